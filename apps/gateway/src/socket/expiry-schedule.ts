// Token expiry of every live socket of a node on one timer. A timer per socket costs a Timeout, its closure and,
// as each expiry is a different duration, a timer list of its own: about half a kilobyte per connection. Here a
// socket costs one entry in a per-second bucket, and the one timer is armed for the earliest expiry, so sockets
// are still cut off on time (never before their expiry by the wall clock, a few ms after it at most).

const BUCKET_MS = 1_000;
/** setTimeout's longest delay; a later expiry re-arms when the timer fires. */
const MAX_TIMER_MS = 2_147_483_647;

export interface ExpiryScheduleOptions<T> {
  /** The item's current expiry in epoch ms (null: none): read when the timer fires, so it must stay up to date. */
  expiryOf(item: T): number | null;
  /** Called once per item whose expiry has passed; the item is no longer scheduled then. */
  onExpire(item: T): void;
  now?: () => number;
}

export interface ExpirySchedule<T> {
  /** Moves the item from its previous expiry (as given to the last call) to the next one; null: not scheduled. */
  reschedule(item: T, previous: number | null, next: number | null): void;
  readonly size: number;
  close(): void;
}

export function createExpirySchedule<T>(options: ExpiryScheduleOptions<T>): ExpirySchedule<T> {
  const now = options.now ?? Date.now;
  const buckets = new Map<number, Set<T>>();
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;

  const keyOf = (at: number) => Math.floor(at / BUCKET_MS);

  function arm(at: number): void {
    clearTimeout(timer);
    armedFor = at;
    timer = setTimeout(fire, Math.min(Math.max(at - now(), 1), MAX_TIMER_MS));
    timer.unref();
  }

  function fire(): void {
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
    const t = now();
    for (const [key, bucket] of buckets) {
      if (key * BUCKET_MS > t) continue;
      for (const item of bucket) {
        const at = options.expiryOf(item);
        if (at !== null && at > t) continue;
        bucket.delete(item);
        size -= 1;
        try {
          options.onExpire(item);
        } catch {
          // One item's failure must not leave the rest unexpired: the timer is re-armed below whatever happens.
        }
      }
      if (bucket.size === 0) buckets.delete(key);
    }
    let first = Number.POSITIVE_INFINITY;
    for (const key of buckets.keys()) first = Math.min(first, key);
    const bucket = buckets.get(first);
    if (!bucket) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const item of bucket) earliest = Math.min(earliest, options.expiryOf(item) ?? Number.POSITIVE_INFINITY);
    // A timer firing a little before the wall clock reaches the expiry finds nothing due and re-arms for it.
    arm(Number.isFinite(earliest) ? earliest : (first + 1) * BUCKET_MS);
  }

  return {
    reschedule(item, previous, next) {
      if (previous !== null) {
        const bucket = buckets.get(keyOf(previous));
        if (bucket?.delete(item)) {
          size -= 1;
          if (bucket.size === 0) buckets.delete(keyOf(previous));
        }
      }
      if (next === null) return;
      const key = keyOf(next);
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = new Set()));
      if (!bucket.has(item)) size += 1;
      bucket.add(item);
      if (next < armedFor) arm(next);
    },
    get size() {
      return size;
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      armedFor = Number.POSITIVE_INFINITY;
      buckets.clear();
      size = 0;
    },
  };
}
