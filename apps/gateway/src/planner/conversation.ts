// Conversations for any planner: with a conversationId, the user's earlier turns are loaded into
// `PlannerInput.history` before the planner runs, and this turn (the prompt, the answer's text and a compact
// summary of the tool's data) is appended after. A store that is down costs the context, never the answer.
import type { Logger } from 'pino';
import { summarizeToolResult } from '@leadlovers/tool-result';
import type { ToolRunner } from '../mcp/types.js';
import type { ConversationMessage, ConversationStore } from '../store/conversation.js';
import type { Planner, PlannerInput, PlannerOutcome } from './planner.js';

/** Bound on the tool data kept per turn: enough for "e o telefone dela?", not a whole lead list. */
const MAX_TOOL_SUMMARY_CHARS = 1_500;

export function withConversations(planner: Planner, store: ConversationStore, logger: Logger): Planner {
  return {
    name: planner.name,
    async run(input: PlannerInput, tools: ToolRunner): Promise<PlannerOutcome> {
      const { conversationId } = input;
      if (!conversationId) return planner.run(input, tools);
      const userId = input.caller.userId;
      const history = await store.load(userId, conversationId).catch((err: unknown) => {
        logger.warn({ err, conversationId }, 'conversation store unavailable; prompt runs without its history');
        return [];
      });
      const outcome = await planner.run({ ...input, history }, tools);
      const turn: ConversationMessage[] = [
        { role: 'user', content: input.prompt },
        { role: 'assistant', content: assistantText(outcome) },
      ];
      await store.append(userId, conversationId, turn).catch((err: unknown) => {
        logger.warn({ err, conversationId }, 'conversation store unavailable; this turn is not remembered');
      });
      return outcome;
    },
  };
}

/** What the model will read back as its own earlier answer. */
export function assistantText(outcome: PlannerOutcome): string {
  switch (outcome.kind) {
    case 'replied':
      return outcome.message;
    case 'answered': {
      const { result } = outcome;
      const text = result.ok ? (outcome.message ?? summarizeToolResult(outcome.tool, result.data, outcome.language)) : result.message;
      const data = JSON.stringify(result.ok ? result.data : { error: result.code });
      const compact = data.length > MAX_TOOL_SUMMARY_CHARS ? `${data.slice(0, MAX_TOOL_SUMMARY_CHARS)}…` : data;
      return `${text}\n[${outcome.tool}(${JSON.stringify(outcome.arguments)}) → ${compact}]`;
    }
    case 'needs-input':
    case 'unknown':
      return outcome.message;
    case 'failed':
      return `[${outcome.tool} failed: ${outcome.error.message}]`;
  }
}
