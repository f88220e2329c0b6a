// Requests (send-prompt, call-tool) waiting for their prompt-response. An entry lives until an answer with its
// requestId arrives by whatever road — the emit's ack, the prompt-response event, a mailbox replay after a
// reconnect — so whichever comes first settles the promise and the rest are no-ops.
import type { CallToolPayload, PromptProgress, PromptResponse, SendPromptPayload } from '@leadlovers/protocol';
import { GatewayError } from './errors.js';

export type RequestEvent = { event: 'send-prompt'; payload: SendPromptPayload } | { event: 'call-tool'; payload: CallToolPayload };

export type PendingRequest = RequestEvent & {
  requestId: string;
  onProgress: ((progress: PromptProgress) => void) | undefined;
  throwOnError: boolean;
  /** The connection it was last sent on; undefined means "send on the next connection". */
  sentOn: object | undefined;
  resolve(response: PromptResponse): void;
  reject(error: GatewayError): void;
  /** Detaches the AbortSignal listener. */
  dispose(): void;
};

export class PendingRequests {
  private readonly byId = new Map<string, PendingRequest>();

  get size(): number {
    return this.byId.size;
  }

  has(requestId: string): boolean {
    return this.byId.has(requestId);
  }

  get(requestId: string): PendingRequest | undefined {
    return this.byId.get(requestId);
  }

  add(entry: PendingRequest): void {
    this.byId.set(entry.requestId, entry);
  }

  all(): PendingRequest[] {
    return [...this.byId.values()];
  }

  /** Settles the request this response answers; false when none is pending (a duplicate or another tab's). */
  settle(response: PromptResponse): boolean {
    const entry = this.take(response.requestId);
    if (!entry) return false;
    if (response.isSuccess || !entry.throwOnError) entry.resolve(response);
    else entry.reject(GatewayError.fromResponse(response));
    return true;
  }

  fail(requestId: string, error: GatewayError): boolean {
    const entry = this.take(requestId);
    entry?.reject(error);
    return entry !== undefined;
  }

  failAll(error: GatewayError): void {
    for (const requestId of [...this.byId.keys()]) this.fail(requestId, error);
  }

  private take(requestId: string): PendingRequest | undefined {
    const entry = this.byId.get(requestId);
    if (!entry) return undefined;
    this.byId.delete(requestId);
    entry.dispose();
    return entry;
  }
}

/** A requestId the gateway accepts ([A-Za-z0-9._:-], ≤ 64). getRandomValues works in insecure browser contexts too. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `c-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
