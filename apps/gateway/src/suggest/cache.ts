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
  value?: V;
  /** When the value was loaded, or the last load failed: the entry is fresh until then + ttl (or retry). */
  loadedAt: number;
  failed: boolean;
  loading?: Promise<void>;
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
    else entry = { loadedAt: Number.NEGATIVE_INFINITY, failed: false };
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
        delete entry.loading;
      });
  }
}
