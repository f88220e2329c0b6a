// The cluster-wide single-session registry: `ws:user:connection:<userId>` holds the user's live socket id with a
// TTL that the live socket keeps refreshing. Claim is one atomic SET … GET; release and refresh are Lua
// compare-and-act scripts, so a replaced socket can neither delete nor keep alive its successor's entry.
// The registry also remembers the sessions this node claimed: when the Redis connection comes back (a restarted
// Redis without persistence has lost every key), it writes them again, so the single-session guarantee holds for
// users who stayed connected through the outage.
import type { RedisClient } from '../shared/redis.js';
import type { SessionRegistry } from './registry.js';
import { redisKeys } from '../shared/redis-keys.js';

export interface RedisSessionRegistryOptions {
  /** Prepended to every key; production uses none, so ops can `GET ws:user:connection:<id>`. */
  prefix?: string;
  /** Lifetime of an entry that is no longer refreshed (a node that died without releasing). */
  ttlSeconds?: number;
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const REFRESH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0`;
// Re-registration after a reconnect: write the entry only if nobody holds it (a newer claim wins over ours).
const RESTORE = `local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
if current == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0`;

interface SessionScripts {
  sessionRelease(key: string, socketId: string): Promise<number>;
  sessionRefresh(key: string, socketId: string, ttlSeconds: number): Promise<number>;
  sessionRestore(key: string, socketId: string, ttlSeconds: number): Promise<number>;
}

/** Defines the scripts on the client once; ioredis then runs them by EVALSHA, falling back to EVAL. */
function withScripts(redis: RedisClient): RedisClient & SessionScripts {
  if (!('sessionRelease' in redis)) {
    redis.defineCommand('sessionRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('sessionRefresh', { numberOfKeys: 1, lua: REFRESH });
    redis.defineCommand('sessionRestore', { numberOfKeys: 1, lua: RESTORE });
  }
  return redis as RedisClient & SessionScripts;
}

export class RedisSessionRegistry implements SessionRegistry {
  private readonly redis: RedisClient & SessionScripts;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  /** userId → socket id of the sessions claimed through this registry (this node) and not yet released. */
  private readonly local = new Map<string, string>();
  private readonly onReady = (): void => void this.restore();

  constructor(redis: RedisClient, options: RedisSessionRegistryOptions = {}) {
    this.redis = withScripts(redis);
    this.prefix = options.prefix ?? '';
    this.ttlSeconds = options.ttlSeconds ?? 3600;
    this.redis.on('ready', this.onReady);
  }

  /** The key ops tooling reads; keep it in step with the README's redis-cli section. */
  key(userId: string): string {
    return redisKeys.session(this.prefix, userId);
  }

  async claim(userId: string, socketId: string): Promise<string | null> {
    // Remembered before asking Redis: a claim that fails because Redis is down is restored when it comes back.
    this.local.set(userId, socketId);
    const previous = await this.redis.set(this.key(userId), socketId, 'EX', this.ttlSeconds, 'GET');
    return previous === socketId ? null : previous;
  }

  async release(userId: string, socketId: string): Promise<boolean> {
    if (this.local.get(userId) === socketId) this.local.delete(userId);
    return (await this.redis.sessionRelease(this.key(userId), socketId)) === 1;
  }

  async current(userId: string): Promise<string | null> {
    return this.redis.get(this.key(userId));
  }

  async refresh(userId: string, socketId: string): Promise<void> {
    await this.redis.sessionRefresh(this.key(userId), socketId, this.ttlSeconds);
  }

  /** Writes this node's sessions back after a reconnect; one that fails waits for the next reconnect. */
  private async restore(): Promise<void> {
    await Promise.allSettled([...this.local].map(([userId, socketId]) => this.redis.sessionRestore(this.key(userId), socketId, this.ttlSeconds)));
  }

  /** The caller owns the Redis connection; only the reconnect listener is ours to remove. */
  async close(): Promise<void> {
    this.redis.off('ready', this.onReady);
    this.local.clear();
  }
}
