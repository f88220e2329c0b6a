// Cluster-wide conversations: per user and conversation a capped list
// `ws:conversation:{<userId>}:<conversationId>` of ConversationMessage JSON, oldest first, trimmed to maxMessages
// and expiring 24 h after the last turn. The braces keep one user's keys in one Redis Cluster slot.
import type { RedisClient } from '../shared/redis.js';
import { CONVERSATION_TTL_MS, fromUserTurn, type ConversationMessage, type ConversationStore } from './conversation.js';
import { redisKeys } from '../shared/redis-keys.js';

export interface RedisConversationStoreOptions {
  prefix?: string;
  maxMessages?: number;
  ttlMs?: number;
}

export class RedisConversationStore implements ConversationStore {
  private readonly prefix: string;
  private readonly maxMessages: number;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: RedisClient,
    options: RedisConversationStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? '';
    // LTRIM -0 -1 would keep everything, so a bound below one is raised to one.
    this.maxMessages = Math.max(1, options.maxMessages ?? 20);
    this.ttlMs = Math.max(1, Math.round(options.ttlMs ?? CONVERSATION_TTL_MS));
  }

  key(userId: string, conversationId: string): string {
    return redisKeys.conversation(this.prefix, userId, conversationId);
  }

  async load(userId: string, conversationId: string): Promise<ConversationMessage[]> {
    const raw = await this.redis.lrange(this.key(userId, conversationId), 0, -1);
    const messages: ConversationMessage[] = [];
    for (const json of raw) {
      try {
        const parsed = JSON.parse(json) as Partial<ConversationMessage>;
        if ((parsed.role === 'user' || parsed.role === 'assistant') && typeof parsed.content === 'string') {
          messages.push({ role: parsed.role, content: parsed.content });
        }
      } catch {
        // only our own writes land here; an unreadable one is skipped
      }
    }
    return fromUserTurn(messages);
  }

  async append(userId: string, conversationId: string, messages: readonly ConversationMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const key = this.key(userId, conversationId);
    const results = await this.redis
      .multi()
      .rpush(key, ...messages.map((message) => JSON.stringify(message)))
      .ltrim(key, -this.maxMessages, -1)
      .pexpire(key, this.ttlMs)
      .exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  /** The caller owns the Redis connection. */
  async close(): Promise<void> {}
}
