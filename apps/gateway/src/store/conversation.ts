// Conversations (send-prompt's conversationId): each user's recent turns of one conversation, oldest first, so an
// LLM planner can follow "e o telefone dela?" after a create. Bounded in length and expiring after a day idle.
import { TtlMap } from './ttl-map.js';

export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ConversationStore {
  /** The conversation's messages, oldest first; never starts with an assistant message. */
  load(userId: string, conversationId: string): Promise<ConversationMessage[]>;
  /** Appends messages (a user prompt and the assistant's answer), keeping the newest `maxMessages`. */
  append(userId: string, conversationId: string, messages: readonly ConversationMessage[]): Promise<void>;
  close(): Promise<void>;
}

export const CONVERSATION_TTL_MS = 24 * 3_600_000;

/** A trimmed history may begin mid-exchange; the LLM APIs want it to start with the user. */
export function fromUserTurn(messages: ConversationMessage[]): ConversationMessage[] {
  const first = messages.findIndex((message) => message.role === 'user');
  return first <= 0 ? (first < 0 ? [] : messages) : messages.slice(first);
}

export class MemoryConversationStore implements ConversationStore {
  private readonly conversations: TtlMap<string, ConversationMessage[]>;

  constructor(
    private readonly maxMessages: number,
    ttlMs = CONVERSATION_TTL_MS,
    maxConversations = 100_000,
  ) {
    this.conversations = new TtlMap(ttlMs, maxConversations);
  }

  async load(userId: string, conversationId: string): Promise<ConversationMessage[]> {
    return fromUserTurn([...(this.conversations.get(key(userId, conversationId)) ?? [])]);
  }

  async append(userId: string, conversationId: string, messages: readonly ConversationMessage[]): Promise<void> {
    const id = key(userId, conversationId);
    const all = [...(this.conversations.get(id) ?? []), ...messages];
    this.conversations.set(id, all.slice(-Math.max(1, this.maxMessages)));
  }

  async close(): Promise<void> {
    this.conversations.clear();
  }
}

function key(userId: string, conversationId: string): string {
  return JSON.stringify([userId, conversationId]);
}
