// A per-account cache that never makes a reader wait: peek() answers with what it has (possibly stale, possibly
// nothing) and starts one refresh in the background when the entry is missing or older than its TTL. One refresh
// per key at a time (single flight); a failed refresh is retried only after a short back-off; LRU-bounded.
export interface RefreshCacheOptions<K> {
  ttlMs: number;
  /** How long after a failed load before the next attempt. */
  retryMs: number;
  maxEntries: number;
  onError?(key: K, err: unknown): void;
  now?: () => number;
}

interface Entry<V> {
  value: V | undefined;
  /** When the value was loaded, or the last load failed: the entry is fresh until then + ttl (or retry). */
  loadedAt: number;
  failed: boolean;
  loading: Promise<void> | undefined;
}

export class RefreshCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly options: RefreshCacheOptions<K>) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The cached value (undefined while none was loaded); when it is due, `load` refreshes it in the background
   * (the caller passes it, so the load runs as the user who asked).
   */
  peek(key: K, load: () => Promise<V>): V | undefined {
    const entry = this.touch(key);
    const age = this.now() - entry.loadedAt;
    if (!entry.loading && age >= (entry.failed ? this.options.retryMs : this.options.ttlMs)) this.refresh(key, entry, load);
    return entry.value;
  }

  /** Whether peek() would start a load now: nothing cached, or stale, and no load running. */
  due(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return true;
    return !entry.loading && this.now() - entry.loadedAt >= (entry.failed ? this.options.retryMs : this.options.ttlMs);
  }

  /** Resolves once the key's current load (if any) has settled; for tests and warm-ups that may wait. */
  async settled(key: K): Promise<void> {
    await this.entries.get(key)?.loading;
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(key: K): Entry<V> {
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    // Every field set from the start (and `loading` cleared, never deleted): entries share one hidden class
    // instead of each turning into a dictionary, a few hundred bytes apiece over a thousand accounts.
    else entry = { value: undefined, loadedAt: Number.NEGATIVE_INFINITY, failed: false, loading: undefined };
    this.entries.set(key, entry);
    this.evict();
    return entry;
  }

  private evict(): void {
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.entries.delete(oldest.value);
    }
  }

  private refresh(key: K, entry: Entry<V>, load: () => Promise<V>): void {
    let started: Promise<V>;
    try {
      started = load();
    } catch (err) {
      started = Promise.reject(err);
    }
    entry.loading = started
      .then(
        (value) => {
          entry.value = value;
          entry.failed = false;
        },
        (err: unknown) => {
          // Keep serving the previous value; try again after the back-off.
          entry.failed = true;
          this.options.onError?.(key, err);
        },
      )
      .finally(() => {
        entry.loadedAt = this.now();
        entry.loading = undefined;
      });
  }
}
