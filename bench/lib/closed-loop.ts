// A closed loop: W workers, each issuing its next request as soon as the previous one answered, for a bounded
// time and a bounded count. Requests started during the warm-up are not timed; the throughput counts the
// successful requests that finished inside the measured window, over that window.
import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats.js';

/** One request: resolves with undefined on success, or an error label (a code, 'timeout'…). */
export type Operation = () => Promise<string | undefined>;

/** The error label that ends a worker: its connection is gone, and retrying at once would only spin. */
export const GONE = 'disconnected';

export interface LoopOptions {
  durationMs: number;
  warmupMs: number;
  /** Bound on requests issued in total, warm-up included. */
  maxRequests: number;
  /** Return the raw latencies too (0.01 ms resolution), so several generators' runs can be merged. */
  keepSamples?: boolean;
}

export interface LoopResult {
  workers: number;
  latency: Summary;
  /** Successful requests finished inside the window. */
  ok: number;
  /** Requests issued in all, warm-up and tail included. */
  issued: number;
  errors: Record<string, number>;
  errorCount: number;
  windowMs: number;
  perSecond: number;
  samples?: number[];
}

export async function runClosedLoop(operations: readonly Operation[], options: LoopOptions): Promise<LoopResult> {
  const startedAt = performance.now();
  const measureFrom = startedAt + options.warmupMs;
  const endAt = measureFrom + options.durationMs;
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  let issued = 0;
  let ok = 0;

  const worker = async (op: Operation): Promise<void> => {
    while (issued < options.maxRequests) {
      const t0 = performance.now();
      if (t0 >= endAt) return;
      issued++;
      let failure: string | undefined;
      try {
        failure = await op();
      } catch (err) {
        failure = err instanceof Error ? err.message.slice(0, 60) : String(err);
      }
      const t1 = performance.now();
      // Every failure counts, warm-up included. Latency is sampled for requests started in the window (a slow
      // one finishing after it still counts, so the tail is not cut off); throughput counts every success that
      // finished in the window, whenever it started (with many clients a request can outlast the warm-up).
      if (failure !== undefined) {
        errors[failure] = (errors[failure] ?? 0) + 1;
        if (failure === GONE) return;
        continue;
      }
      if (t0 >= measureFrom) samples.push(t1 - t0);
      if (t1 >= measureFrom && t1 <= endAt) ok++;
    }
  };
  await Promise.all(operations.map(worker));
  // Stopped by the count bound, the window ends when the last worker did; by time, at endAt.
  const windowMs = Math.max(1, Math.min(endAt, performance.now()) - measureFrom);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const result: LoopResult = { workers: operations.length, issued, latency: summarize(samples), ok, errors, errorCount, windowMs, perSecond: (ok / windowMs) * 1000 };
  if (options.keepSamples) result.samples = samples.map((x) => Math.round(x * 100) / 100);
  return result;
}
