// What the prompt handlers need from the rest of the gateway, passed in (no globals), so tests can swap pieces.
import type { Logger } from 'pino';
import type { AuthenticatedUser, PromptProgress, PromptResponse } from '@leadlovers/protocol';
import type { ToolRunner } from '../mcp/types.js';
import type { Planner } from '../planner/planner.js';
import type { HistoryStore } from '../store/history.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import type { Mailbox } from '../store/mailbox.js';
import type { PromptLimiter } from './limits.js';

export interface PromptDeps {
  runner: ToolRunner;
  planner: Planner;
  mailbox: Mailbox;
  idempotency: IdempotencyStore;
  history: HistoryStore;
  limiter: PromptLimiter;
  logger: Logger;
  /** Delivers to every socket of the user (their one live socket, on whichever node). */
  emitToUser(userId: string, event: 'prompt-response', payload: PromptResponse): void;
  emitProgressToUser(userId: string, payload: PromptProgress): void;
}

export interface RequestSpec {
  user: AuthenticatedUser;
  requestId: string;
  kind: 'prompt' | 'tool';
  /** The prompt text, or the tool name, for history and logs. */
  input: string;
  /** Identifies the payload, so a reused requestId with another payload is refused. */
  fingerprint: string;
}

/** A response before the pipeline stamps requestId and executionTime on it. */
export type DraftResponse = Omit<PromptResponse, 'requestId' | 'metadata'> & {
  metadata?: Omit<PromptResponse['metadata'], 'executionTime'>;
};
