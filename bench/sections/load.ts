// Sections 1 and 2, and the scaling figures: the floor (bare echo, prompt → one warm MCP client) and the gateway
// (call-tool, send-prompt) under N closed-loop clients, phases alternating floor / gateway (reversed every other
// round) on the same connections, medians over rounds. Server CPU and RSS come from /proc, MCP children included.
import { performance } from 'node:perf_hooks';
import type { LoadEvent, Target } from '../load/clients.js';
import type { LoopResult } from '../lib/closed-loop.js';
import { sampleTree } from '../lib/procs.js';
import type { ServerHandle, SettledSample } from '../lib/servers.js';
import type { Summary } from '../lib/stats.js';
import { judge, ratio, type Row } from '../lib/suite.js';
import { connectSpec, mb, median, round1, sleep, type ConnectStats, type Context, type SectionResult } from './context.js';

export interface PhaseRecord {
  level: number;
  round: number;
  target: Target;
  event: LoadEvent;
  perSecond: number;
  latency: Summary;
  errorCount: number;
  errors: Record<string, number>;
  /** CPU of the server process (all its threads), % of one core. */
  cpuPct: number;
  /** The same with its MCP child(ren). */
  treeCpuPct: number;
  cpuMsPerRequest: number;
  /** CPU of the load generators, % of one core: near 100 × generators means they, not the server, were the limit. */
  loadCpuPct: number;
  /** Server→client events per request besides the ack (prompt-response, prompt-progress…), by name. */
  eventsPerRequest: Record<string, number>;
  /** Connections lost during the phase, by reason. */
  disconnects: Record<string, number>;
}

interface LevelRecord {
  level: number;
  accounts: number;
  connect: Record<Target, ConnectStats>;
  /** Server RSS (process, after a full GC) with the level's clients connected, after its phases. */
  rss: Record<Target, number>;
  treeRss: Record<Target, number>;
  /** JS heap in use after that full GC: what the server still holds, as opposed to pages it has not given back. */
  heapUsed: Record<Target, number>;
}

async function phase(ctx: Context, server: ServerHandle, target: Target, event: LoadEvent, level: number, round: number): Promise<PhaseRecord> {
  const s = ctx.settings;
  const loadBefore = ctx.gens.pids.map((pid) => sampleTree(pid).cpuMs);
  const before = server.sample();
  const t0 = performance.now();
  const r = await ctx.gens.loop({ target, event, durationMs: s.phaseMs, warmupMs: s.warmupMs, maxRequests: level * s.maxPerClient, timeoutMs: s.requestTimeoutMs });
  const wallMs = performance.now() - t0;
  const after = server.sample();
  const loadAfter = ctx.gens.pids.map((pid) => sampleTree(pid).cpuMs);
  const pct = (a: number, b: number) => round1(((a - b) / wallMs) * 100);
  const treeCpuPct = pct(after.treeCpuMs, before.treeCpuMs);
  const record: PhaseRecord = {
    level,
    round,
    target,
    event,
    perSecond: Math.round(r.perSecond),
    latency: r.latency,
    errorCount: r.errorCount,
    errors: r.errors,
    cpuPct: pct(after.cpuMs, before.cpuMs),
    treeCpuPct,
    cpuMsPerRequest: r.perSecond ? Math.round(((treeCpuPct * 10) / r.perSecond) * 1000) / 1000 : Number.NaN,
    loadCpuPct: pct(loadAfter.reduce((a, b) => a + b, 0), loadBefore.reduce((a, b) => a + b, 0)),
    disconnects: r.disconnects,
    eventsPerRequest: Object.fromEntries(Object.entries(r.events).map(([name, n]) => [name, Math.round((n / Math.max(1, r.issued)) * 100) / 100])),
  };
  ctx.log(
    `  ${level} clients, round ${round + 1}: ${target} ${event}: ${record.perSecond}/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
      `server CPU ${record.treeCpuPct}% (load generators ${record.loadCpuPct}%), errors ${r.errorCount}` +
      (r.errorCount ? ` ${JSON.stringify(r.errors)}` : '') +
      (Object.keys(r.disconnects).length ? `, connections lost ${JSON.stringify(r.disconnects)}` : ''),
  );
  return record;
}

const MB = 1024 * 1024;

const PLAN_FULL: Array<[Target, LoadEvent]> = [
  ['floor', 'prompt'],
  ['gateway', 'send-prompt'],
  ['floor', 'echo'],
  ['gateway', 'call-tool'],
];
const PLAN_SCALING: Array<[Target, LoadEvent]> = [
  ['floor', 'prompt'],
  ['gateway', 'send-prompt'],
];

async function warmUp(ctx: Context, servers: Record<Target, ServerHandle>): Promise<void> {
  const s = ctx.settings;
  for (const target of ['floor', 'gateway'] as const) {
    const common = { url: servers[target].url, userPrefix: 'warm-', accountPrefix: 'bench-a', usersPerAccount: 10, secret: ctx.secret, sourceAddresses: s.sourceAddresses };
    await ctx.gens.connect({ ...common, target, concurrency: 10, timeoutMs: s.requestTimeoutMs, budgetMs: s.connectBudgetMs }, 10);
    await ctx.gens.loop({ target, event: target === 'floor' ? 'prompt' : 'send-prompt', durationMs: 60_000, warmupMs: 0, maxRequests: 100, timeoutMs: s.requestTimeoutMs });
    await ctx.gens.disconnect(target);
  }
}

export async function runLoad(ctx: Context): Promise<SectionResult> {
  const s = ctx.settings;
  const { floor, gateway } = await ctx.servers();
  const servers: Record<Target, ServerHandle> = { floor, gateway };
  // The idle baseline after a short warm-up (a few clients, a few prompts, gone again): what the first request of
  // all loads and compiles belongs to the baseline, not to the first level.
  await warmUp(ctx, servers);
  const baseline = { floor: await floor.settledSample(), gateway: await gateway.settledSample() };
  const phases: PhaseRecord[] = [];
  const levels: LevelRecord[] = [];

  for (const level of s.levels) {
    // Ten users per account, as in an office: the account room's presence fan-out stays realistic and small.
    const accounts = Math.ceil(level / 10);
    ctx.log(`load: ${level} clients on each server (${accounts} accounts)`);
    const connect = async (target: Target) => {
      const r = await ctx.gens.connect(connectSpec(ctx, target, servers[target].url, `load-${level}-`, 'bench-a'), level);
      return { connected: r.connected, failed: r.failed, perSecond: Math.round(r.perSecond), errors: r.errors };
    };
    const connects = { floor: await connect('floor'), gateway: await connect('gateway') };
    // One request per client first: seeds each account's demo data (shared database) and warms both servers.
    const seed = { durationMs: 120_000, warmupMs: 0, maxRequests: level, timeoutMs: s.requestTimeoutMs };
    for (const [target, event] of [['floor', 'prompt'], ['gateway', 'send-prompt']] as const) {
      const r = await ctx.gens.loop({ target, event, ...seed });
      const lost = Object.keys(r.disconnects).length ? `, connections lost ${JSON.stringify(r.disconnects)}` : '';
      ctx.log(`  seed ${target}: ${r.issued} requests, p50 ${r.latency.p50} ms, max ${r.latency.max} ms, errors ${JSON.stringify(r.errors)}${lost}`);
    }

    const plan = s.ratioLevels.includes(level) ? PLAN_FULL : PLAN_SCALING;
    for (let round = 0; round < s.rounds; round++) {
      for (const [target, event] of round % 2 === 0 ? plan : [...plan].reverse()) phases.push(await phase(ctx, servers[target], target, event, level, round));
    }
    const mem: Record<Target, SettledSample> = { floor: await floor.settledSample(), gateway: await gateway.settledSample() };
    levels.push({
      level,
      accounts,
      connect: connects,
      rss: { floor: mem.floor.rssBytes, gateway: mem.gateway.rssBytes },
      treeRss: { floor: mem.floor.treeRssBytes, gateway: mem.gateway.treeRssBytes },
      heapUsed: { floor: mem.floor.heapUsed, gateway: mem.gateway.heapUsed },
    });
    await ctx.gens.disconnect('floor');
    await ctx.gens.disconnect('gateway');
    await sleep(1_000);
  }

  ctx.log(`load: bare MCP callTool, ${s.mcpDirectConcurrency} callers on the floor's warm client`);
  const direct = await floor.proc.remote.call<LoopResult>(
    'mcp-direct',
    { concurrency: s.mcpDirectConcurrency, durationMs: s.phaseMs, warmupMs: s.warmupMs, maxRequests: s.mcpDirectConcurrency * s.maxPerClient, accounts: ['bench-a0'] },
    s.phaseMs + s.warmupMs + 60_000,
  );

  const rows = buildRows(ctx, phases, levels, baseline, direct);
  return { rows, data: { baseline: { floor: baseline.floor.rssBytes, gateway: baseline.gateway.rssBytes }, levels, phases, mcpDirect: direct } };
}

function buildRows(ctx: Context, phases: PhaseRecord[], levels: LevelRecord[], baseline: Record<Target, SettledSample>, direct: LoopResult): Row[] {
  const s = ctx.settings;
  const pick = (level: number, event: LoadEvent) => phases.filter((p) => p.level === level && p.event === event);
  // Four significant digits: enough for a ratio, short enough for the table.
  const med = (list: PhaseRecord[], f: (p: PhaseRecord) => number) => (list.length ? Number(median(list.map(f)).toPrecision(4)) : undefined);
  const rows: Row[] = [];
  const section = 'load';

  for (const level of s.ratioLevels) {
    const floor = pick(level, 'prompt');
    const echo = pick(level, 'echo');
    for (const event of ['send-prompt', 'call-tool'] as const) {
      const gw = pick(level, event);
      const primary = event === 'send-prompt';
      const gRate = med(gw, (p) => p.perSecond);
      const fRate = med(floor, (p) => p.perSecond);
      const gP50 = med(gw, (p) => p.latency.p50);
      const fP50 = med(floor, (p) => p.latency.p50);
      const rateRatio = ratio(gRate, fRate);
      const p50Ratio = ratio(gP50, fP50);
      rows.push({ section, figure: `${event} prompts/s @${level}`, gateway: gRate ?? Number.NaN, floor: fRate ?? Number.NaN, ratio: rateRatio, target: primary ? '≥ 0.5×' : '—', verdict: primary ? judge(rateRatio, '≥', 0.5) : 'info' });
      rows.push({ section, figure: `${event} p50 ms @${level}`, gateway: gP50 ?? Number.NaN, floor: fP50 ?? Number.NaN, ratio: p50Ratio, target: primary ? '≤ 2×' : '—', verdict: primary ? judge(p50Ratio, '≤', 2) : 'info' });
      const tail = (list: PhaseRecord[]) => `${med(list, (p) => p.latency.p99) ?? '—'} / ${list.length ? Math.max(...list.map((p) => p.latency.max)) : '—'}`;
      rows.push({ section, figure: `${event} p99 / max ms @${level}`, gateway: tail(gw), floor: tail(floor), ratio: ratio(med(gw, (p) => p.latency.p99), med(floor, (p) => p.latency.p99)), target: '—', verdict: 'info' });
      if (primary) {
        const gCpu = med(gw, (p) => p.treeCpuPct);
        const fCpu = med(floor, (p) => p.treeCpuPct);
        rows.push({
          section,
          figure: `send-prompt server CPU % @${level}`,
          gateway: gCpu ?? Number.NaN,
          floor: fCpu ?? Number.NaN,
          ratio: ratio(gCpu, fCpu),
          target: '—',
          verdict: 'info',
          note:
            `% of one core, server process + MCP child; node process alone: gateway ${med(gw, (p) => p.cpuPct)}%, floor ${med(floor, (p) => p.cpuPct)}%; ` +
            `load generators ${med(gw, (p) => p.loadCpuPct)}% / ${med(floor, (p) => p.loadCpuPct)}%; events per request besides the ack: ` +
            `gateway ${JSON.stringify(gw[0]?.eventsPerRequest ?? {})}, floor ${JSON.stringify(floor[0]?.eventsPerRequest ?? {})}`,
        });
      }
    }
    rows.push({ section, figure: `bare Socket.IO echo msgs/s, p50 ms @${level}`, gateway: '—', floor: `${med(echo, (p) => p.perSecond) ?? '—'}, ${med(echo, (p) => p.latency.p50) ?? '—'}`, ratio: undefined, target: '—', verdict: 'info' });
  }
  rows.push({
    section,
    figure: `bare MCP callTool calls/s, p50 ms (${direct.workers} callers)`,
    gateway: '—',
    floor: `${Math.round(direct.perSecond)}, ${direct.latency.p50}`,
    ratio: undefined,
    target: '—',
    verdict: 'info',
  });
  const gErrors = phases.filter((p) => p.target === 'gateway').reduce((a, p) => a + p.errorCount, 0);
  const fErrors = phases.filter((p) => p.target === 'floor').reduce((a, p) => a + p.errorCount, 0);
  const errorKinds = [...new Set(phases.flatMap((p) => Object.keys(p.errors)))];
  rows.push({ section, figure: 'failed requests, all phases', gateway: gErrors, floor: fErrors, ratio: undefined, target: '0', verdict: gErrors === 0 ? 'PASS' : 'MISS', ...(errorKinds.length ? { note: `kinds: ${errorKinds.join(', ')}` } : {}) });

  // Scaling: prompts/s, CPU per prompt and memory above the idle baseline at each level; a step is linear or
  // better when CPU per prompt grows ≤ 25 % (noise) and memory grows no faster than the client count.
  const scale = 'scaling';
  const rate = (level: number, event: LoadEvent) => med(pick(level, event), (p) => p.perSecond);
  const cpu = (level: number) => med(pick(level, 'send-prompt'), (p) => p.cpuMsPerRequest);
  // What a server holds at a level (after a full GC) above its idle baseline: RSS, or JS heap in use.
  const aboveIdle = (level: number, target: Target, of: { level: 'rss' | 'heapUsed'; baseline: 'rssBytes' | 'heapUsed' }) => {
    const l = levels.find((x) => x.level === level);
    return l ? Math.max(0, l[of.level][target] - baseline[target][of.baseline]) : Number.NaN;
  };
  const memOf = (level: number, target: Target) => aboveIdle(level, target, { level: 'rss', baseline: 'rssBytes' });
  const heapOf = (level: number, target: Target) => aboveIdle(level, target, { level: 'heapUsed', baseline: 'heapUsed' });
  const series = (f: (level: number) => number | undefined) => s.levels.map((l) => f(l) ?? '—').join(' / ');
  const label = s.levels.join('→');
  rows.push({ section: scale, figure: `send-prompt prompts/s @${label}`, gateway: series((l) => rate(l, 'send-prompt')), floor: series((l) => rate(l, 'prompt')), ratio: undefined, target: '—', verdict: 'info' });
  rows.push({ section: scale, figure: `CPU ms per prompt @${label}`, gateway: series(cpu), floor: series((l) => med(pick(l, 'prompt'), (p) => p.cpuMsPerRequest)), ratio: undefined, target: '—', verdict: 'info' });
  rows.push({ section: scale, figure: `RSS above idle, MB @${label}`, gateway: series((l) => mb(memOf(l, 'gateway'))), floor: series((l) => mb(memOf(l, 'floor'))), ratio: undefined, target: '—', verdict: 'info' });
  rows.push({ section: scale, figure: `JS heap above idle, MB @${label}`, gateway: series((l) => mb(heapOf(l, 'gateway'))), floor: series((l) => mb(heapOf(l, 'floor'))), ratio: undefined, target: '—', verdict: 'info' });
  for (let i = 1; i < s.levels.length; i++) {
    const [a, b] = [s.levels[i - 1] ?? 1, s.levels[i] ?? 1];
    const cpuStep = ratio(cpu(b), cpu(a));
    // Below 1 MB the difference is GC noise: the step is judged against at least 1 MB.
    const memStep = ratio(memOf(b, 'gateway'), Math.max(MB, memOf(a, 'gateway')));
    const clients = b / a;
    const ok = cpuStep !== undefined && memStep !== undefined && cpuStep <= 1.25 && memStep <= clients;
    rows.push({
      section: scale,
      figure: `step ${a}→${b} (clients ×${clients}): CPU/prompt ×, memory ×`,
      gateway: `${cpuStep ?? '—'}, ${memStep ?? '—'}`,
      floor: `${ratio(med(pick(b, 'prompt'), (p) => p.cpuMsPerRequest), med(pick(a, 'prompt'), (p) => p.cpuMsPerRequest)) ?? '—'}, ${ratio(memOf(b, 'floor'), Math.max(MB, memOf(a, 'floor'))) ?? '—'}`,
      ratio: undefined,
      target: `≤ 1.25, ≤ ${clients}`,
      verdict: cpuStep === undefined || memStep === undefined ? 'FAIL' : ok ? 'PASS' : 'MISS',
    });
  }
  return rows;
}
