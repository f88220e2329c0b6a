// The per-request shared state as the request core sees it: ONE call before a request runs (admission: its
// idempotency claim, the user's rate limit and in-flight slot, the confirmations it carries) and ONE after
// (completion: the stored response that answers retries and reconnects, the history entry, the slot's release).
// With Redis each is one round trip (redis-request-state.ts); here, on a single node, it composes the in-memory
// stores, which the socket layer also reads (mailbox replays, get-history).
import type { HistoryEntry, PromptResponse } from '@leadlovers/protocol';
import { GatewayError } from '../shared/errors.js';
import { historyEntryJson, type HistoryStore } from './history.js';
import type { IdempotencyStore } from './idempotency.js';
import type { PromptLimiter } from './limits.js';
import type { Mailbox } from './mailbox.js';

export interface AdmitRequest {
  userId: string;
  requestId: string;
  /** The client chose the requestId: the request is claimed under it, so a retry is answered, never run twice. */
  keyed: boolean;
  /** The payload's fingerprint ('' when not keyed): a requestId reused for another payload is refused. */
  fingerprint: string;
  /** Earlier responses the client confirms (`received`): they leave its mailbox, whatever becomes of this request. */
  received: readonly string[];
}

/** How a request was admitted, for its completion. */
export interface AdmissionTicket {
  /** The in-flight slot is counted in the shared store (false: in this process, e.g. while Redis is down). */
  readonly counted: boolean;
  /** Per-user admission sequence number (0 when not counted): orders the mailbox and spaces its trims. */
  readonly seq: number;
  /** The request opened a new rate window: completion renews the expiries that only move once a window. */
  readonly renew?: boolean;
  /** Frees a slot taken in this process. */
  readonly release?: (() => void) | undefined;
}

export type Admission =
  | { status: 'admitted'; ticket: AdmissionTicket }
  /** RATE_LIMITED or BUSY: nothing was claimed. */
  | { status: 'refused'; error: GatewayError }
  /** The requestId was answered before: its stored response. */
  | { status: 'done'; response: PromptResponse }
  /** Another attempt with this requestId is running: settles with its response, or rejects (PendingAbandoned, TIMEOUT). */
  | { status: 'pending'; wait: Promise<PromptResponse> }
  | { status: 'mismatch' };

export interface Completion {
  userId: string;
  requestId: string;
  keyed: boolean;
  fingerprint: string;
  ticket: AdmissionTicket;
  response: PromptResponse;
  /** JSON.stringify(response), made once by the core for every store and the wire; computed here when absent. */
  json?: string;
  /** The history entry, without its response (the response above is appended to it). */
  entry: Omit<HistoryEntry, 'response'>;
}

export interface RequestState {
  admit(request: AdmitRequest): Promise<Admission>;
  /** While a keyed request runs, keeps its claim alive (see IdempotencyStore.keepAlive). Returns the stop function. */
  keepAlive(userId: string, requestId: string, fingerprint: string): () => void;
  /** Stores the response (mailbox, idempotency, history) and frees the slot. Rejects when the store is unreachable; the slot is freed anyway. */
  complete(completion: Completion): Promise<void>;
}

export interface MemoryRequestStateParts {
  idempotency: IdempotencyStore;
  limiter: PromptLimiter;
  mailbox: Mailbox;
  history: HistoryStore;
}

/** A single node's request state over its in-memory stores (each already bounded and expiring). */
export function createMemoryRequestState(parts: MemoryRequestStateParts): RequestState {
  const { idempotency, limiter, mailbox, history } = parts;
  let seq = 0;
  return {
    async admit(request) {
      if (request.received.length > 0) await mailbox.ackMany(request.userId, request.received);
      if (request.keyed) {
        const known = await idempotency.begin(request.userId, request.requestId, request.fingerprint);
        if (known.status !== 'new') return known;
      }
      try {
        const release = await limiter.acquire(request.userId);
        return { status: 'admitted', ticket: { counted: false, seq: ++seq, release } };
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        if (request.keyed) {
          // Retries that began waiting in the meantime hear the refusal and may try again.
          const refusal = { isSuccess: false, code: err.code, error: err.message, requestId: request.requestId, metadata: { executionTime: 0 } };
          await idempotency.abandon(request.userId, request.requestId, refusal);
        }
        return { status: 'refused', error: err };
      }
    },
    keepAlive: (userId, requestId, fingerprint) => idempotency.keepAlive(userId, requestId, fingerprint),
    async complete({ userId, requestId, keyed, ticket, response, json, entry }) {
      try {
        await Promise.all([
          mailbox.put(userId, response),
          keyed ? idempotency.complete(userId, requestId, response) : undefined,
          // The entry's text from the response's, when the store keeps text (memory does): one serialization.
          history.appendJson && json !== undefined ? history.appendJson(userId, historyEntryJson(entry, json)) : history.append(userId, { ...entry, response }),
        ]);
      } finally {
        ticket.release?.();
      }
    },
  };
}
