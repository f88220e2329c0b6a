// When to try a LeadLovers request again, how long to wait, and when to stop calling an account's API at all:
// cockatiel policies. Retries: idempotent requests only, on 429/5xx/network errors, exponential backoff with
// decorrelated jitter, or the server's Retry-After (seconds or an HTTP date), capped so one call cannot hang on a
// huge value. The circuit breaker: after `failures` consecutive calls that failed upstream (their retries
// included), calls fail fast (UPSTREAM_UNAVAILABLE) for `cooldownMs`, then one probe call decides.
import {
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import type { ToolError } from '../../errors.js';

/** Only requests that can be repeated without a second effect; POST /Lead, POST /Score and PATCH never are. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'DELETE']);

/** 429 and every 5xx are worth another try; other statuses are answers. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Milliseconds a Retry-After header asks for, or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * One attempt that failed upstream: LeadLovers unreachable, too slow, 429 or 5xx. Retried (idempotent requests)
 * and counted by the account's circuit breaker; `error` is what the caller gets once no retry is left.
 */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
  constructor(
    readonly error: ToolError,
    readonly retryAfterMs?: number,
  ) {
    super(error.message);
  }
}

export interface RetryOptions {
  /** Attempts in all, the first included (LEADLOVERS_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First backoff; grows exponentially with each retry. */
  baseMs: number;
  /** Ceiling of any wait, one asked for by Retry-After included. */
  capMs: number;
}

/** The wait before each retry: Retry-After when the failure carried one, else the exponential backoff. */
export function upstreamBackoff({ baseMs, capMs }: Pick<RetryOptions, 'baseMs' | 'capMs'>): DelegateBackoff<IRetryBackoffContext<unknown>, IBackoff<unknown>> {
  // Decorrelated jitter (cockatiel's default generator): spreads the retries of many callers hit by one outage.
  const exponential = new ExponentialBackoff({ initialDelay: baseMs, maxDelay: capMs });
  return new DelegateBackoff((context: IRetryBackoffContext<unknown>, previous?: IBackoff<unknown>) => {
    const next = previous ? previous.next(undefined) : exponential.next();
    const failure = 'error' in context.result ? context.result.error : undefined;
    const asked = failure instanceof UpstreamFailure ? failure.retryAfterMs : undefined;
    return { delay: asked === undefined ? next.duration : Math.min(asked, capMs), state: next };
  });
}

const upstreamFailures = handleWhen((err) => err instanceof UpstreamFailure);

export function createRetryPolicy(options: RetryOptions): RetryPolicy {
  // unref: a wait left behind by a cancelled call (it ends by itself, then sends nothing) never holds the process up.
  return retry(upstreamFailures, { maxAttempts: Math.max(0, options.maxAttempts - 1), backoff: upstreamBackoff(options) }).dangerouslyUnref();
}

export interface BreakerOptions {
  /** Consecutive failed calls that open the circuit (LEADLOVERS_BREAKER_FAILURES). */
  failures: number;
  /** How long an open circuit fails calls fast before it lets one probe through (LEADLOVERS_BREAKER_COOLDOWN_MS). */
  cooldownMs: number;
}

/** One breaker per LeadLovers account, made on the account's first call: one account's outage never fails another's calls. */
export function createBreakers(options: BreakerOptions): (account: string) => CircuitBreakerPolicy {
  const breakers = new Map<string, CircuitBreakerPolicy>();
  return (account) => {
    let breaker = breakers.get(account);
    if (!breaker) {
      breaker = circuitBreaker(upstreamFailures, { halfOpenAfter: options.cooldownMs, breaker: new ConsecutiveBreaker(options.failures) });
      breakers.set(account, breaker);
    }
    return breaker;
  };
}
