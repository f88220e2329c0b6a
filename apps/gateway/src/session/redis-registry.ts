// The cluster-wide single-session registry: `ws:user:connection:<userId>` holds the user's live socket id with a
// TTL that the live socket keeps refreshing. Claim is one atomic SET … GET; release and refresh are Lua
// compare-and-act scripts, so a replaced socket can neither delete nor keep alive its successor's entry.
import type { Redis } from 'ioredis';
import type { SessionRegistry } from './registry.js';

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

interface SessionScripts {
  sessionRelease(key: string, socketId: string): Promise<number>;
  sessionRefresh(key: string, socketId: string, ttlSeconds: number): Promise<number>;
}

/** Defines the scripts on the client once; ioredis then runs them by EVALSHA, falling back to EVAL. */
function withScripts(redis: Redis): Redis & SessionScripts {
  if (!('sessionRelease' in redis)) {
    redis.defineCommand('sessionRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('sessionRefresh', { numberOfKeys: 1, lua: REFRESH });
  }
  return redis as Redis & SessionScripts;
}

export class RedisSessionRegistry implements SessionRegistry {
  private readonly redis: Redis & SessionScripts;
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(redis: Redis, options: RedisSessionRegistryOptions = {}) {
    this.redis = withScripts(redis);
    this.prefix = options.prefix ?? '';
    this.ttlSeconds = options.ttlSeconds ?? 3600;
  }

  /** The key ops tooling reads; keep it in step with the README's redis-cli section. */
  key(userId: string): string {
    return `${this.prefix}ws:user:connection:${userId}`;
  }

  async claim(userId: string, socketId: string): Promise<string | null> {
    const previous = await this.redis.set(this.key(userId), socketId, 'EX', this.ttlSeconds, 'GET');
    return previous === socketId ? null : previous;
  }

  async release(userId: string, socketId: string): Promise<boolean> {
    return (await this.redis.sessionRelease(this.key(userId), socketId)) === 1;
  }

  async current(userId: string): Promise<string | null> {
    return this.redis.get(this.key(userId));
  }

  async refresh(userId: string, socketId: string): Promise<void> {
    await this.redis.sessionRefresh(this.key(userId), socketId, this.ttlSeconds);
  }

  /** The caller owns the Redis connection, so there is nothing to close here. */
  async close(): Promise<void> {}
}
