// Section 4: what the warm pool buys. One client, one request at a time: the gateway's send-prompt (warm MCP
// pool) against the seed's design — a fresh MCP server process spawned, initialised, called and closed for every
// prompt (served by the floor server's spawn-prompt) — with the floor's warm prompt for reference.
import type { LoadEvent, Target } from '../load/clients.js';
import type { MergedLoop } from '../lib/loadgens.js';
import { judge, ratio, type Row } from '../lib/suite.js';
import type { Context, SectionResult } from './context.js';

export async function runSpawn(ctx: Context): Promise<SectionResult> {
  const s = ctx.settings;
  const servers = await ctx.servers();
  for (const target of ['floor', 'gateway'] as const) {
    await ctx.gens.connect(
      {
        target,
        url: servers[target].url,
        userPrefix: 'spawn-',
        accountPrefix: 'bench-a',
        usersPerAccount: 10,
        secret: ctx.secret,
        sourceAddresses: s.sourceAddresses,
        concurrency: 1,
        timeoutMs: s.requestTimeoutMs,
        budgetMs: s.connectBudgetMs,
      },
      1,
    );
  }
  const single = (target: Target, event: LoadEvent, durationMs: number, maxRequests: number, warmupMs: number, timeoutMs = s.requestTimeoutMs) =>
    ctx.gens.loop({ target, event, clients: 1, durationMs, warmupMs, maxRequests, timeoutMs });
  try {
    ctx.log('spawn: one client — gateway send-prompt (warm pool)');
    const warm = await single('gateway', 'send-prompt', s.singleClientMs, 1_000_000, 300);
    ctx.log(`  p50 ${warm.latency.p50} ms over ${warm.latency.n}`);
    ctx.log(`spawn: one client — a fresh MCP process per prompt (${s.spawnPrompts} prompts)`);
    const spawned = await single('floor', 'spawn-prompt', 30_000 * s.spawnPrompts, s.spawnPrompts, 0, 30_000);
    ctx.log(`  p50 ${spawned.latency.p50} ms over ${spawned.latency.n}, errors ${spawned.errorCount}`);
    const floorWarm = await single('floor', 'prompt', s.singleClientMs, 1_000_000, 300);
    const factor = ratio(spawned.latency.p50, warm.latency.p50);
    const rows: Row[] = [
      {
        section: 'spawn',
        figure: 'p50 ms, 1 client: warm pool (gateway) vs spawn-per-prompt',
        gateway: warm.latency.p50,
        floor: spawned.latency.p50,
        ratio: factor,
        target: '≥ 100× (spawn ÷ warm)',
        verdict: spawned.errorCount ? 'FAIL' : judge(factor, '≥', 100),
        note: `floor column = spawn-per-prompt (${spawned.latency.n} prompts, p99 ${spawned.latency.p99} ms, errors ${spawned.errorCount}); the floor's own warm client: p50 ${floorWarm.latency.p50} ms`,
      },
    ];
    return { rows, data: { warm: strip(warm), spawned: strip(spawned), floorWarm: strip(floorWarm) } };
  } finally {
    await ctx.gens.disconnect('floor');
    await ctx.gens.disconnect('gateway');
  }
}

const strip = (r: MergedLoop) => ({ latency: r.latency, perSecond: Math.round(r.perSecond * 100) / 100, errors: r.errors });
