// What the prompt handlers need from the rest of the gateway, passed in (no globals), so tests can swap pieces.
import type { Logger } from 'pino';
import type { AuthenticatedUser, PromptProgress, PromptResponse } from '@leadlovers/protocol';
import type { GatewayMetrics } from '../metrics/metrics.js';
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
   * Delivers a response: through the request's ack when it has one and its socket is still here, else as a
   * prompt-response event to that socket (its receipt clears the mailbox), else to the user's room, reaching
   * their live socket on whichever node.
   */
  deliver(userId: string, response: PromptResponse, origin: Origin | undefined): void;
  /** Requests running on this node, by user and requestId, so cancel-prompt can abort them. */
  cancellations: Cancellations;
  /** While the node drains, new requests are refused (SERVER_DRAINING) so that in-flight ones can finish. */
  isDraining(): boolean;
  /** prompt-progress of a request sent with progress: true, to its socket (or the user's room when it is gone). */
  emitProgress(userId: string, originSocketId: string | undefined, payload: PromptProgress): void;
}

/** Where a request came from: its socket on this node and, when the client passed one, its Socket.IO ack. */
export interface Origin {
  socketId: string | undefined;
  /** Called at most once, with the response: then no prompt-response event goes to that socket. */
  reply?: (response: PromptResponse) => void;
}

export interface RequestSpec {
  user: AuthenticatedUser;
  requestId: string;
  kind: 'prompt' | 'tool';
  /** The prompt text, or the tool name, for history and logs. */
  input: string;
  /** Identifies the payload, so a reused requestId with another payload is refused; '' when not `keyed`. */
  fingerprint: string;
  /**
   * The client chose the requestId, so it can send it again: only then is the request registered for idempotency.
   * A server-made id (`srv-…`) can never be repeated, and storing its response for 24 h would only cost memory.
   */
  keyed: boolean;
  /** The socket that sent the request, and its ack. */
  origin: Origin | undefined;
  /** The client asked for prompt-progress events. */
  progress: boolean;
}

/** A response before the pipeline stamps requestId and executionTime on it. */
export type DraftResponse = Omit<PromptResponse, 'requestId' | 'metadata'> & {
  metadata?: Omit<PromptResponse['metadata'], 'executionTime'>;
};
