// Reconnect delays: exponential with full jitter, so clients cut off together (a node draining, a network blip)
// come back spread out instead of as one herd.
export interface BackoffOptions {
  /** First retry's upper bound (ms). */
  minDelayMs: number;
  /** Cap on any delay (ms). */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minDelayMs: 500, maxDelayMs: 10_000 };

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.min(attempt, 20));
  return Math.round(random() * ceiling);
}
