// What the prompt handlers need from the rest of the gateway, passed in (no globals), so tests can swap pieces.
import type { Logger } from 'pino';
import type { AuthenticatedUser, PromptProgress, PromptResponse } from '@leadlovers/protocol';
import type { GatewayMetrics } from '../metrics.js';
import type { ToolRunner } from '../mcp/types.js';
import type { Planner } from '../planner/planner.js';
import type { HistoryStore } from '../store/history.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import type { Mailbox } from '../store/mailbox.js';
import type { Cancellations } from './cancellations.js';
import type { PromptLimiter } from './limits.js';

export interface PromptDeps {
  runner: ToolRunner;
  planner: Planner;
  mailbox: Mailbox;
  idempotency: IdempotencyStore;
  history: HistoryStore;
  limiter: PromptLimiter;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'requests' | 'requestDuration' | 'rateLimited' | 'plannerDuration'>;
  /**
   * Delivers a response: to the socket that asked when it is still here (the client's receipt then clears the
   * mailbox), else to the user's room, reaching their live socket on whichever node.
   */
  deliver(userId: string, response: PromptResponse, originSocketId: string | undefined): void;
  /** Requests running on this node, by user and requestId, so cancel-prompt can abort them. */
  cancellations: Cancellations;
  /** While the node drains, new requests are refused (SERVER_DRAINING) so that in-flight ones can finish. */
  isDraining(): boolean;
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
  /** The socket that sent the request. */
  originSocketId: string | undefined;
}

/** A response before the pipeline stamps requestId and executionTime on it. */
export type DraftResponse = Omit<PromptResponse, 'requestId' | 'metadata'> & {
  metadata?: Omit<PromptResponse['metadata'], 'executionTime'>;
};
