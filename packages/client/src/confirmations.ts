// Responses the SDK got through a request's ack are still in the gateway's mailbox until confirmed. The SDK
// confirms them for free on its next request (`received`), or after a short idle delay with one batched
// ack-response, so an idle client's mailbox empties too. It also remembers recent answers, so a mailbox replay of
// one it already has (the confirmation had not gone out when the connection dropped) is receipted but not
// handed to the app a second time.

// The gateway's bound per `received` list and per ack-response batch: MAX_CONFIRMATIONS in packages/protocol, not
// imported from there because that would pull zod into the browser bundle.
const MAX_CONFIRMATIONS = 100;
/** Remembered answers: far above the gateway's mailbox bound (100 per user), so every possible replay is known. */
const SEEN_LIMIT = 1000;

export class Confirmations {
  private readonly queue = new Set<string>();
  private readonly seen = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param flush sends a batch (the caller decides whether a connection is there); called after `delayMs` idle. */
  constructor(
    private readonly delayMs: number,
    private readonly flush: (requestIds: string[]) => boolean,
  ) {}

  get size(): number {
    return this.queue.size;
  }

  /** An answer arrived; `confirm`: it came through an ack, so the gateway still holds it until told. */
  answered(requestId: string, confirm: boolean): void {
    this.seen.delete(requestId);
    this.seen.add(requestId);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    if (!confirm) return;
    this.queue.add(requestId);
    this.schedule();
  }

  /** Already answered here: a replay of it is a duplicate. */
  has(requestId: string): boolean {
    return this.seen.has(requestId);
  }

  /** Up to 100 requestIds to piggyback on a request, leaving the rest queued. */
  take(): string[] {
    const batch: string[] = [];
    for (const requestId of this.queue) {
      if (batch.length === MAX_CONFIRMATIONS) break;
      batch.push(requestId);
      this.queue.delete(requestId);
    }
    if (this.queue.size === 0) this.cancel();
    return batch;
  }

  /** Everything queued, in batches of 100, leaving nothing queued. */
  takeAll(): string[][] {
    const batches: string[][] = [];
    while (this.queue.size > 0) batches.push(this.take());
    this.cancel();
    return batches;
  }

  /** Sends everything queued now (in batches of 100); what cannot go out stays queued. */
  flushNow(): void {
    this.cancel();
    while (this.queue.size > 0) {
      const batch = [...this.queue].slice(0, MAX_CONFIRMATIONS);
      if (!this.flush(batch)) return;
      for (const requestId of batch) this.queue.delete(requestId);
    }
  }

  /** Arms the idle timer when something is queued (e.g. after a reconnect). */
  schedule(): void {
    if (this.timer !== undefined || this.queue.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushNow();
    }, this.delayMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
