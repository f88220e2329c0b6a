// Remembers which webhook deliveries were already published, for a window, so LeadLovers' retries (and replayed
// requests) publish once. claim() is atomic across nodes in Redis (SET NX EX); release() undoes a claim whose
// publish failed, so the sender's retry is not swallowed.
import type { RedisClient } from '../shared/redis.js';
import { redisKeys } from '../shared/redis-keys.js';

export interface ReplayGuard {
  /** True the first time `key` is seen within the window; false for a replay. */
  claim(key: string): Promise<boolean>;
  release(key: string): Promise<void>;
}

export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string): Promise<boolean> {
    const t = this.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > t) return false;
    this.seen.delete(key);
    this.seen.set(key, t + this.windowMs);
    this.evict(t);
    return true;
  }

  async release(key: string): Promise<void> {
    this.seen.delete(key);
  }

  /** Oldest entries first (Map keeps insertion order): expired ones, then any over the bound. */
  private evict(t: number): void {
    for (const [key, until] of this.seen) {
      if (until > t && this.seen.size <= this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}

export class RedisReplayGuard implements ReplayGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly windowS: number,
  ) {}

  private key(key: string): string {
    return redisKeys.webhookSeen(this.prefix, key);
  }

  async claim(key: string): Promise<boolean> {
    return (await this.redis.set(this.key(key), '1', 'EX', this.windowS, 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }
}
