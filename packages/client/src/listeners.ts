// A tiny listener registry (no node:events, so the browser bundle stays small). A throwing listener is
// reported asynchronously and never breaks the SDK's own event handling.
export type Listener = (...args: unknown[]) => void;

export class Listeners {
  private readonly byEvent = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): () => void {
    let set = this.byEvent.get(event);
    if (!set) this.byEvent.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off(event: string, listener: Listener): void {
    this.byEvent.get(event)?.delete(listener);
  }

  emit(event: string, args: unknown[]): void {
    for (const listener of [...(this.byEvent.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  clear(): void {
    this.byEvent.clear();
  }
}
