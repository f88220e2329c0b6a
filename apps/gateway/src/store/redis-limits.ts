// The cluster-wide prompt limiter: the per-user rate lives in Redis (`ws:rate:<userId>`, rate-limiter-flexible) and
// the in-flight count in `ws:inflight:<userId>` (Lua check-and-increment), so a user gets the same limits whichever
// nodes their requests land on. Errors are the in-memory limiter's (RATE_LIMITED with retryAfterMs, BUSY).
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { busyError, consumeRate, once, type PromptLimiter } from './limits.js';
import { redisKeys } from '../shared/redis-keys.js';

export interface RedisPromptLimiterOptions {
  prefix?: string;
  perMinute: number;
  maxInFlight: number;
  /** Safety expiry of a user's in-flight counter, so slots held by a node that died come back. */
  inFlightTtlSeconds?: number;
  /** Told when Redis could not be asked and the in-flight check let a request through (for a log or a metric). */
  onRedisError?: (err: unknown) => void;
}

// ARGV: maxInFlight, ttlSeconds. Returns the new count, or -1 when the user already has maxInFlight running.
const ACQUIRE = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return -1 end
n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`;

// The counter may have expired (safety TTL) while the request ran: never go below zero, and leave no key at zero.
const RELEASE = `local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) return 0 end
return n`;

interface InFlightScripts {
  inFlightAcquire(key: string, maxInFlight: number, ttlSeconds: number): Promise<number>;
  inFlightRelease(key: string): Promise<number>;
}

function withScripts(redis: Redis): Redis & InFlightScripts {
  if (!('inFlightAcquire' in redis)) {
    redis.defineCommand('inFlightAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('inFlightRelease', { numberOfKeys: 1, lua: RELEASE });
  }
  return redis as Redis & InFlightScripts;
}

export function createRedisPromptLimiter(client: Redis, options: RedisPromptLimiterOptions): PromptLimiter {
  const redis = withScripts(client);
  const prefix = options.prefix ?? '';
  const ttlSeconds = options.inFlightTtlSeconds ?? 120;
  const onRedisError = options.onRedisError ?? (() => {});
  const rate = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: redisKeys.ratePrefix(prefix),
    points: options.perMinute,
    duration: 60,
    // Without Redis the rate is counted per node in memory (the insurance), rather than refusing everyone.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points: options.perMinute, duration: 60 }),
  });

  /** True when the slot is counted in Redis; false when Redis could not be asked. Throws BUSY when full. */
  async function takeSlot(key: string): Promise<boolean> {
    let count: number;
    try {
      // Not ready = down or reconnecting: asking would only wait in the offline queue.
      if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
      count = await redis.inFlightAcquire(key, options.maxInFlight, ttlSeconds);
    } catch (err) {
      // Fail open: an unreachable Redis must not refuse every prompt on every node. The in-flight cap is a fairness
      // guard, not a safety one; the pool's own queue bound still answers BUSY when the node itself is full.
      onRedisError(err);
      return false;
    }
    if (count < 0) throw busyError(options.maxInFlight);
    return true;
  }

  function giveBack(key: string): void {
    // A failed release is healed by the counter's safety TTL.
    redis.inFlightRelease(key).catch(onRedisError);
  }

  return {
    async acquire(userId) {
      const key = redisKeys.inFlight(prefix, userId);
      const counted = await takeSlot(key);
      try {
        await consumeRate(rate, userId, options.perMinute);
      } catch (err) {
        if (counted) giveBack(key);
        throw err;
      }
      return once(() => {
        if (counted) giveBack(key);
      });
    },
  };
}
