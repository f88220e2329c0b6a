// Per-user admission for prompts and tool calls: a rate limit (points per minute, rate-limiter-flexible) and a cap
// on requests in flight, so one user cannot starve the pool for everyone else. In memory (one node, and each
// node's insurance while Redis is down); in Redis the admission script counts both (redis-request-state.ts) and
// answers with the errors built here.
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { GatewayError } from '../shared/errors.js';

export interface PromptLimiter {
  /** Admits one request for the user or throws RATE_LIMITED / BUSY. Call the returned function when it ends. */
  acquire(userId: string): Promise<() => void>;
}

export interface PromptLimiterOptions {
  perMinute: number;
  maxInFlight: number;
  /** A shared (e.g. Redis) limiter for the rate; default in memory. */
  rateLimiter?: RateLimiterAbstract;
}

export function busyError(maxInFlight: number): GatewayError {
  return new GatewayError('BUSY', `Too many requests in progress (at most ${maxInFlight} at once); wait for one to finish`);
}

/** RATE_LIMITED with the wait in details (`retryAfterMs`). */
export function rateLimitedError(perMinute: number, retryAfterMs: number): GatewayError {
  return new GatewayError('RATE_LIMITED', `Rate limit of ${perMinute} requests per minute reached; retry in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
}

/** Consumes one point of the user's rate, turning a refusal into RATE_LIMITED. */
export async function consumeRate(rate: RateLimiterAbstract, userId: string, perMinute: number): Promise<void> {
  try {
    await rate.consume(userId);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw rateLimitedError(perMinute, err.msBeforeNext);
    throw err;
  }
}

/** Wraps a release so that calling it twice frees one slot only. */
export function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

export function createPromptLimiter(options: PromptLimiterOptions): PromptLimiter {
  const rate = options.rateLimiter ?? new RateLimiterMemory({ points: options.perMinute, duration: 60 });
  const inFlight = new Map<string, number>();

  return {
    async acquire(userId) {
      const current = inFlight.get(userId) ?? 0;
      if (current >= options.maxInFlight) throw busyError(options.maxInFlight);
      await consumeRate(rate, userId, options.perMinute);
      inFlight.set(userId, (inFlight.get(userId) ?? 0) + 1);
      return once(() => {
        const left = (inFlight.get(userId) ?? 1) - 1;
        if (left <= 0) inFlight.delete(userId);
        else inFlight.set(userId, left);
      });
    },
  };
}
