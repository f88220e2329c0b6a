// When to try a LeadLovers request again, and how long to wait: exponential backoff with full jitter, or the
// server's Retry-After (seconds or an HTTP date), capped so one call cannot hang on a huge value.

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

export interface BackoffOptions {
  /** First backoff; doubles with each retry. */
  baseMs: number;
  /** Ceiling of any wait, including one asked for by Retry-After. */
  capMs: number;
  random?: () => number;
}

/** Wait before retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, retryAfterMs: number | undefined, options: BackoffOptions): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.capMs);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** (retry - 1));
  // Full jitter: spreads the retries of many callers hit by the same outage.
  return Math.round(ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2));
}
