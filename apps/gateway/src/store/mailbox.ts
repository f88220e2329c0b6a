// Durable responses: every prompt-response is put in the user's mailbox before it is sent, and stays there until
// the client confirms it (the prompt-response receipt, `received` on a later request, ack-response) or it expires,
// so a response whose socket died on the way is re-sent when the user reconnects.
import type { PromptResponse } from '@leadlovers/protocol';
import { TtlMap } from './ttl-map.js';

export interface Mailbox {
  put(userId: string, response: PromptResponse): Promise<void>;
  /** Unacknowledged responses, oldest first. */
  pending(userId: string): Promise<PromptResponse[]>;
  ack(userId: string, requestId: string): Promise<boolean>;
  /** Removes several at once (one round trip); resolves with how many were there. Unknown ids are ignored. */
  ackMany(userId: string, requestIds: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export interface MemoryMailboxOptions {
  ttlMs: number;
  maxPerUser: number;
  maxUsers?: number;
  now?: () => number;
}

export class MemoryMailbox implements Mailbox {
  private readonly boxes: TtlMap<string, TtlMap<string, PromptResponse>>;

  constructor(private readonly options: MemoryMailboxOptions) {
    this.boxes = new TtlMap(options.ttlMs, options.maxUsers ?? 100_000, options.now);
  }

  async put(userId: string, response: PromptResponse): Promise<void> {
    let box = this.boxes.get(userId);
    if (!box) {
      box = new TtlMap(this.options.ttlMs, this.options.maxPerUser, this.options.now);
    }
    box.set(response.requestId, response);
    this.boxes.set(userId, box);
  }

  async pending(userId: string): Promise<PromptResponse[]> {
    return this.boxes.get(userId)?.values() ?? [];
  }

  async ack(userId: string, requestId: string): Promise<boolean> {
    const box = this.boxes.get(userId);
    if (!box) return false;
    const removed = box.delete(requestId);
    if (box.size === 0) this.boxes.delete(userId);
    return removed;
  }

  async ackMany(userId: string, requestIds: readonly string[]): Promise<number> {
    const box = this.boxes.get(userId);
    if (!box) return 0;
    let removed = 0;
    for (const requestId of requestIds) if (box.delete(requestId)) removed += 1;
    if (box.size === 0) this.boxes.delete(userId);
    return removed;
  }

  async close(): Promise<void> {
    this.boxes.clear();
  }
}
