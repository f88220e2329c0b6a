// Where the time goes: one send-prompt phase with the V8 profiler on the gateway's main thread and one `prompt`
// phase with it on the floor's (bench/servers/*.ts, through node:inspector), each summarised as busy main-thread
// time per request and self time per function and per module, next to the CPU each thread of the gateway process
// and its MCP child used during the same phase (/proc). The main thread is what one node cannot spread over cores,
// so its busy µs per request is the figure the gateway's throughput follows.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarizeProfile, type HotSpot, type ProfileSummary } from '../lib/cpuprofile.js';
import { sampleThreads, sampleTree } from '../lib/procs.js';
import type { ServerHandle } from '../lib/servers.js';
import { formatTable } from '../lib/table.js';
import { connectSpec, round1, type Context, type SectionResult } from './context.js';

interface Profiled {
  file: string;
  perSecond: number;
  requests: number;
  /** Busy (non-idle) main-thread time per request, µs. */
  mainUsPerRequest: number;
  threads: { name: string; cpuPct: number }[];
  summary: ProfileSummary;
}

async function profileOne(ctx: Context, target: 'gateway' | 'floor', server: ServerHandle, event: 'send-prompt' | 'prompt'): Promise<Profiled> {
  const s = ctx.settings;
  const n = s.profileClients;
  await ctx.gens.connect(connectSpec(ctx, target, server.url, `profile-${target}-`, 'bench-a'), n);
  try {
    await ctx.gens.loop({ target, event, durationMs: 60_000, warmupMs: 0, maxRequests: n, timeoutMs: s.requestTimeoutMs });
    const dir = new URL('../results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = fileURLToPath(new URL(`${target}-${ctx.startedAt.replace(/[:.]/g, '-')}.cpuprofile`, dir));
    ctx.log(`profile: ${target}, ${n} clients, ${event}, ${s.profileMs} ms with the profiler on`);
    const threadsBefore = sampleThreads(server.pid);
    const treeBefore = sampleTree(server.pid);
    const t0 = performance.now();
    await server.proc.remote.call('profile-start', {}, 10_000);
    const loop = await ctx.gens.loop({ target, event, durationMs: s.profileMs, warmupMs: 0, maxRequests: n * s.maxPerClient, timeoutMs: s.requestTimeoutMs });
    await server.proc.remote.call('profile-stop', { file }, 30_000);
    const wallMs = performance.now() - t0;
    const threadsAfter = sampleThreads(server.pid);
    const treeAfter = sampleTree(server.pid);

    // CPU per thread name (main = the event loop; the pool's worker threads; V8 and libuv helpers) and children.
    const byName = new Map<string, number>();
    for (const t of threadsAfter) {
      const before = threadsBefore.find((b) => b.tid === t.tid)?.cpuMs ?? 0;
      // Node names its worker threads like the main one ("node"), and so are libuv's pool threads (the async log
      // writes); V8's helpers have their own names.
      const name = t.tid === server.pid ? 'main thread' : t.name === 'node' ? "threads named 'node' (MCP pool workers in thread mode, libuv pool)" : t.name;
      byName.set(name, (byName.get(name) ?? 0) + t.cpuMs - before);
    }
    byName.set('MCP child process(es)', treeAfter.treeCpuMs - treeAfter.cpuMs - (treeBefore.treeCpuMs - treeBefore.cpuMs));
    const threads = [...byName].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, cpuPct: round1((ms / wallMs) * 100) }));
    const summary = summarizeProfile(file);
    const requests = loop.ok;
    const busyUs = summary.totalMs * 1000 * (1 - summary.idlePercent / 100);
    return { file, perSecond: loop.perSecond, requests, mainUsPerRequest: requests ? round1(busyUs / requests) : 0, threads, summary };
  } finally {
    await ctx.gens.disconnect(target);
  }
}

function describe(title: string, p: Profiled): string {
  const spots = (heading: string, list: HotSpot[]) => formatTable(heading, ['name', 'self ms', '%'], list.map((h) => [h.name, h.selfMs, h.percent]));
  return [
    `${title} profile (${Math.round(p.perSecond)} requests/s during profiling, main thread ${p.mainUsPerRequest} µs busy per request): ${p.file}`,
    formatTable(`${title}: CPU by thread during the profiled phase (% of one core)`, ['thread', 'CPU %'], p.threads.map((t) => [t.name, t.cpuPct])),
    `${title} main thread: ${p.summary.totalMs} ms sampled, ${p.summary.idlePercent}% idle`,
    spots(`${title} main thread: top self time by function`, p.summary.functions),
    spots(`${title} main thread: self time by module`, p.summary.modules),
  ].join('\n\n');
}

export async function runProfile(ctx: Context): Promise<SectionResult> {
  const { gateway, floor } = await ctx.servers();
  const gw = await profileOne(ctx, 'gateway', gateway, 'send-prompt');
  const fl = await profileOne(ctx, 'floor', floor, 'prompt');
  const n = ctx.settings.profileClients;
  const rows = [
    {
      section: 'profile',
      figure: `main-thread µs busy per prompt @${n} (profiler on)`,
      gateway: gw.mainUsPerRequest,
      floor: fl.mainUsPerRequest,
      ratio: fl.mainUsPerRequest ? gw.mainUsPerRequest / fl.mainUsPerRequest : undefined,
      target: '—',
      verdict: 'info' as const,
    },
  ];
  return { rows, data: { gateway: gw, floor: fl }, text: [describe('Gateway', gw), describe('Floor', fl)].join('\n\n') };
}
