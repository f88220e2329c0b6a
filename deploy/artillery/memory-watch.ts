// The target gateway's memory during a load run, read from its own /metrics (prom-client's default process and
// Node.js metrics) every few seconds: what a soak is for, since a leak shows as a heap that keeps climbing while the
// load stays level. Informative: it prints the series' start, end, peak and the change between the medians of its
// first and last thirds, and never fails the run (the scenario's `ensure` checks do that).
const SERIES = {
  rss: 'process_resident_memory_bytes',
  heap: 'nodejs_heap_size_used_bytes',
} as const;

type Sample = Record<keyof typeof SERIES, number>;

function valueOf(text: string, metric: string): number | undefined {
  const match = new RegExp(`^${metric}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'm').exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface MemoryWatch {
  /** Stops sampling; the summary, or why there is none. */
  stop(): string;
}

export function watchMemory(baseUrl: string, everyMs: number, headers: Record<string, string> = {}): MemoryWatch {
  const samples: Sample[] = [];
  let problem: string | undefined;
  const sample = async (): Promise<void> => {
    try {
      const res = await fetch(new URL('/metrics', baseUrl), { headers, signal: AbortSignal.timeout(2_000) });
      if (!res.ok) {
        problem = `GET /metrics answered ${res.status}`;
        return;
      }
      const text = await res.text();
      const rss = valueOf(text, SERIES.rss);
      const heap = valueOf(text, SERIES.heap);
      if (rss === undefined || heap === undefined) problem = '/metrics has no process_resident_memory_bytes / nodejs_heap_size_used_bytes';
      else samples.push({ rss, heap });
    } catch (err) {
      problem = `GET /metrics failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), everyMs);
  return {
    stop() {
      clearInterval(timer);
      if (samples.length < 3) return `gateway memory: too few samples (${samples.length})${problem ? `: ${problem}` : ''}`;
      const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
      const third = Math.max(1, Math.floor(samples.length / 3));
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
      const describe = (key: keyof Sample): string => {
        const xs = samples.map((s) => s[key]);
        const first = median(xs.slice(0, third));
        const last = median(xs.slice(-third));
        const change = ((last - first) / first) * 100;
        return `${key} ${mb(xs[0] ?? 0)} → ${mb(xs.at(-1) ?? 0)} (peak ${mb(Math.max(...xs))}; median of the last third ${change >= 0 ? '+' : ''}${change.toFixed(1)} % on the first)`;
      };
      return `gateway memory from /metrics, ${samples.length} samples every ${everyMs / 1000} s: ${describe('rss')}; ${describe('heap')}`;
    },
  };
}
