// Where the gateway's time goes: one send-prompt phase with the V8 profiler on the gateway's main thread
// (bench/servers/gateway.ts, through node:inspector), summarised as self time per function and per module, next
// to the CPU each thread of the gateway process and its MCP child used during the same phase (/proc).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarizeProfile, type HotSpot } from '../lib/cpuprofile.js';
import { sampleThreads, sampleTree } from '../lib/procs.js';
import { formatTable } from '../lib/table.js';
import { connectSpec, round1, type Context, type SectionResult } from './context.js';

export async function runProfile(ctx: Context): Promise<SectionResult> {
  const s = ctx.settings;
  const { gateway } = await ctx.servers();
  const n = s.profileClients;
  await ctx.gens.connect(connectSpec(ctx, 'gateway', gateway.url, 'profile-', 'bench-a'), n);
  try {
    await ctx.gens.loop({ target: 'gateway', event: 'send-prompt', durationMs: 60_000, warmupMs: 0, maxRequests: n, timeoutMs: s.requestTimeoutMs });
    const dir = new URL('../results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = fileURLToPath(new URL(`gateway-${ctx.startedAt.replace(/[:.]/g, '-')}.cpuprofile`, dir));
    ctx.log(`profile: ${n} clients, send-prompt, ${s.profileMs} ms with the profiler on`);
    const threadsBefore = sampleThreads(gateway.pid);
    const treeBefore = sampleTree(gateway.pid);
    const t0 = performance.now();
    await gateway.proc.remote.call('profile-start', {}, 10_000);
    const loop = await ctx.gens.loop({ target: 'gateway', event: 'send-prompt', durationMs: s.profileMs, warmupMs: 0, maxRequests: n * s.maxPerClient, timeoutMs: s.requestTimeoutMs });
    await gateway.proc.remote.call('profile-stop', { file }, 30_000);
    const wallMs = performance.now() - t0;
    const threadsAfter = sampleThreads(gateway.pid);
    const treeAfter = sampleTree(gateway.pid);

    // CPU per thread name (main = the event loop; the pool's worker threads; V8 and libuv helpers) and children.
    const byName = new Map<string, number>();
    for (const t of threadsAfter) {
      const before = threadsBefore.find((b) => b.tid === t.tid)?.cpuMs ?? 0;
      // Node names its worker threads like the main one ("node"); V8 and libuv helpers have their own names.
      const name = t.tid === gateway.pid ? 'main thread' : t.name === 'node' ? 'worker thread(s) (MCP pool)' : t.name;
      byName.set(name, (byName.get(name) ?? 0) + t.cpuMs - before);
    }
    byName.set('MCP child process(es)', treeAfter.treeCpuMs - treeAfter.cpuMs - (treeBefore.treeCpuMs - treeBefore.cpuMs));
    const threads = [...byName].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, cpuPct: round1((ms / wallMs) * 100) }));
    const summary = summarizeProfile(file);
    const spots = (title: string, list: HotSpot[]) => formatTable(title, ['name', 'self ms', '%'], list.map((h) => [h.name, h.selfMs, h.percent]));
    const text = [
      `Gateway profile (send-prompt, ${n} clients, ${Math.round(loop.perSecond)} prompts/s during profiling): ${file}`,
      formatTable('CPU by thread during the profiled phase (% of one core)', ['thread', 'CPU %'], threads.map((t) => [t.name, t.cpuPct])),
      `main thread: ${summary.totalMs} ms sampled, ${summary.idlePercent}% idle`,
      spots('Main thread: top self time by function', summary.functions),
      spots('Main thread: self time by module', summary.modules),
    ].join('\n\n');
    return { rows: [], data: { file, perSecond: loop.perSecond, threads, summary }, text };
  } finally {
    await ctx.gens.disconnect('gateway');
  }
}
