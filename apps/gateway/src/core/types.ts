// The request core's ports: what it needs from the rest of the gateway (stores, pool, planner, metrics), passed in
// with no globals, and the ReplyPort through which a transport (socket/ today) hears the answer. The core knows no
// socket, ack or room: it runs validate → admit → plan → run → store → reply and hands the reply to the port.
import type { Logger } from 'pino';
import type { AuthenticatedUser, PromptProgress, PromptResponse } from '@leadlovers/protocol';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { ToolRunner } from '../mcp/types.js';
import type { Planner } from '../planner/planner.js';
import type { Mailbox } from '../store/mailbox.js';
import type { Cancellations } from './cancellations.js';
import type { RequestState } from '../store/request-state.js';

export interface CoreDeps {
  runner: ToolRunner;
  planner: Planner;
  /** Admission and completion of each request: one round trip each in Redis. */
  state: RequestState;
  /** Confirmations carried by a request refused before admission (its payload was invalid). */
  mailbox: Pick<Mailbox, 'ackMany'>;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'requests' | 'requestDuration' | 'rateLimited' | 'plannerDuration'>;
  /** Requests running on this node, by user and requestId, so cancel-prompt can abort them. */
  cancellations: Cancellations;
  /** While the node drains, new requests are refused (SERVER_DRAINING) so that in-flight ones can finish. */
  isDraining(): boolean;
}

/**
 * Where a request's answer goes, handed in by the transport with the request. The core calls `reply` exactly once,
 * with the response, after it is stored (refusals too); `progress` only for requests sent with progress: true.
 */
export interface ReplyPort {
  /** `json`, when given, is JSON.stringify(response), made once for the store: a transport may send it as is. */
  reply(response: PromptResponse, json?: string): void;
  progress(progress: PromptProgress): void;
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
  /** Where the answer goes. */
  port: ReplyPort;
  /** Earlier responses the client confirms with this request (`received`). */
  received: readonly string[];
  /** The client asked for prompt-progress events. */
  progress: boolean;
}

/** A response before the pipeline stamps requestId and executionTime on it. */
export type DraftResponse = Omit<PromptResponse, 'requestId' | 'metadata'> & {
  metadata?: Omit<PromptResponse['metadata'], 'executionTime'>;
};
