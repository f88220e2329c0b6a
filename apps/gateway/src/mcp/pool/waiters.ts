// Bounded waits for something the fleet will announce (a child ready, a child exit): each wait resolves when
// woken, after its timeout, or when its signal aborts, whichever comes first. It never rejects.

export class Waiters {
  readonly #waiting = new Set<() => void>();

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  wakeAll(): void {
    for (const wake of [...this.#waiting]) wake();
  }
}
