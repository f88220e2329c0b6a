// Latency summaries: nearest-rank percentiles over raw samples (ms), so p99 of 300 samples is a real sample.

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((sum, x) => sum + x, 0) / sorted.length : Number.NaN;
  return { n: sorted.length, p50: ms(percentile(sorted, 50)), p99: ms(percentile(sorted, 99)), max: ms(sorted.at(-1) ?? Number.NaN), mean: ms(mean) };
}

/** Milliseconds with two decimals, for tables and JSON alike. */
export const ms = (value: number): number => Math.round(value * 100) / 100;
