// Idempotency keys: a requestId seen before from the same user answers with the stored response and runs
// nothing twice. A retry that arrives while the first attempt still runs waits for that attempt's answer.
// A requestId reused for a different payload is refused rather than answered with an unrelated response.
import type { PromptResponse } from '@leadlovers/protocol';
import { TtlMap } from './ttl-map.js';

export type IdempotencyStart =
  | { status: 'new' }
  | { status: 'done'; response: PromptResponse }
  | { status: 'pending'; wait: Promise<PromptResponse> }
  | { status: 'mismatch' };

/**
 * A retry's wait ended because the first attempt's pending marker vanished without a response: its node died (the
 * marker's lease ran out) or it was released. The retry may begin again and, if the key is still free, run.
 */
export class PendingAbandoned extends Error {
  override readonly name = 'PendingAbandoned';
  constructor() {
    super('the first attempt with this requestId stopped without a response');
  }
}

export interface IdempotencyStore {
  /** Registers (userId, requestId) for a payload fingerprint, or tells what is already known about it. */
  begin(userId: string, requestId: string, fingerprint: string): Promise<IdempotencyStart>;
  /**
   * While a request runs, keeps its pending marker alive (a short lease renewed in the background), so a marker
   * left by a node that died expires within seconds instead of blocking retries. Returns the function that stops it.
   */
  keepAlive(userId: string, requestId: string, fingerprint: string): () => void;
  complete(userId: string, requestId: string, response: PromptResponse): Promise<void>;
  /** Answers waiting retries but forgets the key: for requests refused before anything ran (rate limit, busy). */
  abandon(userId: string, requestId: string, response: PromptResponse): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  fingerprint: string;
  response?: PromptResponse;
  waiters: Array<(response: PromptResponse) => void>;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries: TtlMap<string, Entry>;

  constructor(ttlMs: number, maxEntries = 500_000) {
    this.entries = new TtlMap(ttlMs, maxEntries);
  }

  async begin(userId: string, requestId: string, fingerprint: string): Promise<IdempotencyStart> {
    const key = `${userId}\u0000${requestId}`;
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { fingerprint, waiters: [] });
      return { status: 'new' };
    }
    if (entry.fingerprint !== fingerprint) return { status: 'mismatch' };
    if (entry.response) return { status: 'done', response: entry.response };
    return { status: 'pending', wait: new Promise((resolve) => entry.waiters.push(resolve)) };
  }

  /** In one process the marker dies with the process: nothing to renew. */
  keepAlive(): () => void {
    return () => undefined;
  }

  async complete(userId: string, requestId: string, response: PromptResponse): Promise<void> {
    const key = `${userId}\u0000${requestId}`;
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.response = response;
    for (const resolve of entry.waiters.splice(0)) resolve(response);
  }

  async abandon(userId: string, requestId: string, response: PromptResponse): Promise<void> {
    const key = `${userId}\u0000${requestId}`;
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const resolve of entry.waiters.splice(0)) resolve(response);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
