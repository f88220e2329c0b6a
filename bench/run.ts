// pnpm bench — the gateway against its floor, in one run, on one machine: closed-loop prompts (call-tool,
// send-prompt) against a minimal Socket.IO → one warm MCP client server, bare echo and bare MCP callTool; idle
// connection memory against bare Socket.IO; the warm pool against spawn-per-prompt; the cluster figures; a
// CPU profile of the gateway; and Redis's cost per prompt with the capacity it allows. Prints one table (figure,
// gateway, floor, ratio, target, verdict), then the hot spots, and writes bench/results/bench-<timestamp>.json and
// latest.json. See bench/README.md.
//   npx tsx bench/run.ts [--quick] [--only load,spawn,profile,connections,cluster,redis,tracing]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadGenerators } from './lib/loadgens.js';
import { describeMachine, header } from './lib/report.js';
import { startFloor, startGateway, type ServerHandle } from './lib/servers.js';
import { ms } from './lib/stats.js';
import { renderRows, writeSuite, type Row, type SuiteReport } from './lib/suite.js';
import { runCluster } from './sections/cluster.js';
import { runConnections } from './sections/connections.js';
import { FULL, QUICK, withEnvOverrides, type Context, type SectionResult } from './sections/context.js';
import { runLoad } from './sections/load.js';
import { runProfile } from './sections/profile.js';
import { runRedis } from './sections/redis.js';
import { runSpawn } from './sections/spawn.js';
import { runTracing } from './sections/tracing.js';

const SECTIONS: Record<string, (ctx: Context) => Promise<SectionResult>> = {
  load: runLoad,
  spawn: runSpawn,
  profile: runProfile,
  connections: runConnections,
  cluster: runCluster,
  redis: runRedis,
  tracing: runTracing,
};
/** Sections that use the shared floor + gateway pair; it is stopped before the others run. */
const SHARED = new Set(['load', 'spawn', 'profile']);

function parseArgs(argv: string[]): { quick: boolean; only: string[] } {
  let quick = false;
  let only = Object.keys(SECTIONS);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--only') {
      only = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = only.filter((name) => !(name in SECTIONS));
      if (unknown.length || !only.length) usage(`unknown section(s): ${unknown.join(', ') || '(none given)'}`);
    } else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument ${arg}`);
  }
  return { quick, only };
}

function usage(problem?: string): never {
  process.stderr.write(`${problem ? `${problem}\n` : ''}usage: pnpm bench [--quick] [--only ${Object.keys(SECTIONS).join(',')}]   (= npx tsx bench/run.ts)\n`);
  process.exit(problem ? 2 : 0);
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const settings = withEnvOverrides(quick ? QUICK : FULL);
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`${header(machine).replace('bench:cluster', 'bench')}${quick ? ' — QUICK (smoke figures only)' : ''}`);

  const dir = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
  // One embedded database each: the gateway's background work (seeding accounts, suggestion warm-ups) must not hold
  // SQLite's write lock while the floor's MCP child is being measured.
  const dbPath = join(dir, 'embedded.sqlite');
  const floorDbPath = join(dir, 'floor.sqlite');
  const secret = randomBytes(32).toString('hex');
  let shared: Promise<{ floor: ServerHandle; gateway: ServerHandle }> | undefined;
  const closeShared = async () => {
    const pair = await shared?.catch(() => undefined);
    shared = undefined;
    await Promise.all([pair?.floor.close(), pair?.gateway.close()]);
  };

  const gens = await LoadGenerators.start(settings.loadGenerators);
  const ctx: Context = {
    settings,
    quick,
    gens,
    secret,
    dbPath,
    startedAt,
    log,
    servers() {
      shared ??= (async () => {
        log('starting the floor (Socket.IO + one warm MCP client) and the gateway…');
        const floor = await startFloor(floorDbPath);
        try {
          const gateway = await startGateway({ dbPath, secret, poolSize: settings.poolSize, logLevel: settings.logLevel });
          // The pool's size and mode, as the gateway's start-up log says them (MCP_POOL_SIZE, MCP_POOL_INLINE).
          const { defaults } = await gateway.proc.remote.call<{ defaults: string[] }>('ready', {}, 10_000);
          log(`gateway ${defaults.find((line) => line.startsWith('mcp:')) ?? ''}`);
          return { floor, gateway };
        } catch (err) {
          await floor.close();
          throw err;
        }
      })();
      return shared;
    },
  };

  const rows: Row[] = [];
  const sections: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const texts: string[] = [];
  try {
    for (const name of Object.keys(SECTIONS).filter((n) => only.includes(n))) {
      if (!SHARED.has(name)) await closeShared();
      try {
        const result = await SECTIONS[name]!(ctx);
        rows.push(...result.rows);
        sections[name] = result.data;
        if (result.text) texts.push(result.text);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        errors[name] = message;
        log(`${name}: FAILED — ${message}`);
        rows.push({ section: name, figure: 'section failed', gateway: '—', floor: '—', ratio: undefined, target: '—', verdict: 'FAIL', note: message.split('\n')[0] ?? message });
      }
    }
  } finally {
    await closeShared();
    await gens.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const report: SuiteReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick,
    machine,
    loadavgAtEnd: loadavg().map(ms),
    settings: { ...settings },
    rows,
    sections,
    errors,
  };
  log(`\n${renderRows(rows)}\n`);
  for (const text of texts) log(`${text}\n`);
  log(`load average ${machine.loadavg.join(' ')} → ${report.loadavgAtEnd.join(' ')}; wrote ${writeSuite(report)}`);
  return Object.keys(errors).length ? 1 : 0;
}

process.exitCode = await main();
