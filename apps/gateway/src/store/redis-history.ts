// Cluster-wide history (get-history): per user a list `ws:history:{<user>}` of HistoryEntry JSON, newest first,
// expiring ttlSeconds after the user's last request. The request path appends in its completion script
// (redis-request-state.ts), which trims the list only once it is an eighth over maxPerUser, so list() reads at most
// maxPerUser entries whatever the list holds.
import type { HistoryEntry } from '@leadlovers/protocol';
import type { RedisClient } from '../shared/redis.js';
import type { HistoryStore } from './history.js';
import { redisKeys } from '../shared/redis-keys.js';

export interface RedisHistoryStoreOptions {
  prefix?: string;
  maxPerUser?: number;
  ttlSeconds?: number;
}

export class RedisHistoryStore implements HistoryStore {
  private readonly prefix: string;
  private readonly maxPerUser: number;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: RedisClient,
    options: RedisHistoryStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? '';
    // LTRIM 0 -1 would keep everything, so a bound below one is raised to one.
    this.maxPerUser = Math.max(1, options.maxPerUser ?? 100);
    this.ttlMs = Math.max(1, Math.round((options.ttlSeconds ?? 7 * 86_400) * 1000));
  }

  key(userId: string): string {
    return redisKeys.history(this.prefix, userId);
  }

  async append(userId: string, entry: HistoryEntry): Promise<void> {
    const key = this.key(userId);
    const results = await this.redis
      .multi()
      .lpush(key, JSON.stringify(entry))
      .ltrim(key, 0, this.maxPerUser - 1)
      .pexpire(key, this.ttlMs)
      .exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async list(userId: string, limit: number): Promise<HistoryEntry[]> {
    const count = Math.min(limit, this.maxPerUser);
    if (count <= 0) return [];
    const raw = await this.redis.lrange(this.key(userId), 0, count - 1);
    const entries: HistoryEntry[] = [];
    for (const json of raw) {
      try {
        entries.push(JSON.parse(json) as HistoryEntry);
      } catch {
        // only our own writes land here; an unreadable one is skipped
      }
    }
    return entries;
  }

  /** The caller owns the Redis connection. */
  async close(): Promise<void> {}
}
