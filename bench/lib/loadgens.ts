// The orchestrator's handle on the load generator processes (bench/load/clients.ts): connections are spread
// over them evenly, loops run on all of them at once and their latencies are merged before summarising.
import type { ConnectParams, ConnectResult, LoadEvent, LoopParams, Target } from '../load/clients.js';
import type { LoopResult } from './closed-loop.js';
import { forkTs, stop, withTimeout, type Forked } from './procs.js';
import { summarize } from './stats.js';

export interface MergedLoop extends Omit<LoopResult, 'samples'> {
  event: LoadEvent;
  target: Target;
  /** Events the clients received during the loop (warm-up and tail included), by name. */
  events: Record<string, number>;
  /** Requests issued during the loop, answered or not, warm-up and tail included. */
  issued: number;
  /** Connections lost during the loop, by reason. */
  disconnects: Record<string, number>;
}

export class LoadGenerators {
  readonly #procs: Forked[];
  /** Users connected so far per target, so each connect() names new users. */
  readonly #next: Record<Target, number> = { floor: 0, gateway: 0 };

  private constructor(procs: Forked[]) {
    this.#procs = procs;
  }

  static async start(count: number): Promise<LoadGenerators> {
    const procs = Array.from({ length: count }, (_, i) => forkTs(new URL('../load/clients.ts', import.meta.url), `load-${i}`, {}));
    const generators = new LoadGenerators(procs);
    try {
      await Promise.all(procs.map((p) => withTimeout(p.remote.ready, 30_000, `${p.remote.name} did not start`)));
    } catch (err) {
      await generators.close();
      throw err;
    }
    return generators;
  }

  get pids(): number[] {
    return this.#procs.map((p) => p.pid);
  }

  /** Connects `count` more users to the target, split over the generators. */
  async connect(params: Omit<ConnectParams, 'first' | 'count'>, count: number): Promise<ConnectResult> {
    const shares = split(count, this.#procs.length);
    let first = this.#next[params.target];
    this.#next[params.target] += count;
    const calls = this.#procs.map((p, i) => {
      const share = shares[i] ?? 0;
      const call = p.remote.call<ConnectResult>('connect', { ...params, first, count: share, concurrency: Math.max(1, Math.ceil(params.concurrency / this.#procs.length)) }, params.budgetMs + params.timeoutMs + 30_000);
      first += share;
      return call;
    });
    const results = await Promise.all(calls);
    const errors: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    const elapsedMs = Math.max(...results.map((r) => r.elapsedMs));
    const connected = sum(results.map((r) => r.connected));
    return {
      attempted: sum(results.map((r) => r.attempted)),
      connected,
      failed: sum(results.map((r) => r.failed)),
      errors,
      elapsedMs,
      perSecond: (connected / elapsedMs) * 1000,
      open: sum(results.map((r) => r.open)),
    };
  }

  async loop(params: Omit<LoopParams, 'keepSamples'>): Promise<MergedLoop> {
    const budget = params.warmupMs + params.durationMs + params.timeoutMs + 30_000;
    // A loop on fewer clients than are connected uses the first ones of each generator, in connect()'s proportions.
    const shares = params.clients === undefined ? undefined : split(params.clients, this.#procs.length);
    const active = this.#procs.filter((_, i) => shares === undefined || (shares[i] ?? 0) > 0);
    const results = await Promise.all(
      active.map((p) =>
        p.remote.call<LoopResult & { events: Record<string, number>; disconnects: Record<string, number> }>(
          'loop',
          // The count bound is for the whole loop: each generator gets its share.
          { ...params, clients: shares?.[this.#procs.indexOf(p)], maxRequests: Math.ceil(params.maxRequests / active.length), keepSamples: true },
          budget,
        ),
      ),
    );
    const samples = results.flatMap((r) => r.samples ?? []);
    const errors: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    const events: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.events)) events[k] = (events[k] ?? 0) + v;
    const disconnects: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.disconnects)) disconnects[k] = (disconnects[k] ?? 0) + v;
    return {
      event: params.event,
      events,
      disconnects,
      issued: sum(results.map((r) => r.issued)),
      target: params.target,
      workers: sum(results.map((r) => r.workers)),
      latency: summarize(samples),
      ok: sum(results.map((r) => r.ok)),
      errors,
      errorCount: sum(results.map((r) => r.errorCount)),
      windowMs: Math.max(...results.map((r) => r.windowMs)),
      // Each generator measured its own window; they start together, so their rates add up.
      perSecond: sum(results.map((r) => r.perSecond)),
    };
  }

  async connectedCount(target: Target): Promise<number> {
    return sum(await Promise.all(this.#procs.map((p) => p.remote.call<number>('count', { target }, 30_000))));
  }

  async disconnect(target: Target): Promise<void> {
    await Promise.all(this.#procs.map((p) => p.remote.call('disconnect', { target }, 60_000)));
  }

  async close(): Promise<void> {
    await Promise.all(this.#procs.map((p) => stop(p.child, 3_000)));
  }
}

export function split(count: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0));
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
