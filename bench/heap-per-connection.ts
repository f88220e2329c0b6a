// Where a gateway connection's memory goes: `npx tsx bench/heap-per-connection.ts [--n 2000] [--no-snapshot]`.
// A bare Socket.IO server and the gateway (built as bench/servers/gateway.ts builds it: production config, JSON
// logs at info, embedded store, no Redis) each run in a process of their own; load generator processes
// (bench/load/clients.ts) connect N idle authenticated websocket clients to each. Around the connect, after a full
// GC, each server reports heapUsed / external / arrayBuffers and its RSS, and writes a V8 heap snapshot; the
// snapshots are aggregated here by constructor (self size) and the per-connection growth of the gateway is
// printed next to bare Socket.IO's, largest differences first. Bounded: one connect of N per server, timeouts on
// every step; the snapshots go to a temporary directory that is removed at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadGenerators } from './lib/loadgens.js';
import { forkTs, sampleTree, stop, withTimeout, freePort, type Forked } from './lib/procs.js';
import { gatewayEnv } from './lib/servers.js';
import { formatTable } from './lib/table.js';
import type { Target } from './load/clients.js';

type Kind = 'bare' | 'gateway';

interface Memory {
  rss: number;
  /** V8's committed heap: used, free in its pages, and the young generation's semi-spaces. */
  heapTotal: number;
  /** Of which the young generation (semi-spaces), committed. */
  newSpace: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Self size and object count by constructor (or node type) in one heap snapshot. */
type Census = Map<string, { size: number; count: number }>;

// ---- server side (a forked child: HEAP_ROLE=bare|gateway) ----

async function serve(kind: Kind): Promise<void> {
  const { getHeapSpaceStatistics, writeHeapSnapshot } = await import('node:v8');
  const { serveIpc } = await import('./lib/ipc.js');
  const { fullGc } = await import('./lib/gc.js');
  let port: number;
  let close: () => Promise<void>;
  if (kind === 'bare') {
    // bench/servers/floor.ts with FLOOR_MODE=bare, without its (idle) event handlers.
    const { createServer } = await import('node:http');
    const { Server } = await import('socket.io');
    const http = createServer();
    const io = new Server(http, { transports: ['websocket'] });
    io.on('connection', (socket) => socket.on('echo', (payload: unknown, ack?: (r: unknown) => void) => ack?.(payload)));
    port = Number(process.env.PORT);
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => io.close(() => resolve()));
  } else {
    const { createGateway } = await import('../apps/gateway/src/app.js');
    const { loadConfig } = await import('../apps/gateway/src/config/config.js');
    const { buildDependencies } = await import('../apps/gateway/src/deps.js');
    const { createLogger } = await import('../apps/gateway/src/shared/logger.js');
    const config = loadConfig();
    const logger = createLogger(config.logLevel, undefined, config.logFormat);
    const deps = await buildDependencies(config, logger);
    const gateway = createGateway(deps);
    port = (await gateway.listen(config.port, '127.0.0.1')).port;
    close = async () => {
      await gateway.close();
      await deps.close();
    };
  }
  serveIpc({
    ready: () => port,
    memory: (): Memory => {
      const m = fullGc();
      const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
      return { rss: m.rss, heapTotal: m.heapTotal, newSpace, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
    },
    snapshot: (p: { file: string }) => writeHeapSnapshot(p.file),
    close: async () => {
      await close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
}

// ---- orchestrator ----

function parseArgs(argv: string[]): { n: number; snapshots: boolean } {
  let n = 2_000;
  let snapshots = true;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--n') n = Number(argv[++i]);
    else if (argv[i] === '--no-snapshot') snapshots = false;
    else throw new Error(`unknown argument ${argv[i]}; usage: tsx bench/heap-per-connection.ts [--n 2000] [--no-snapshot]`);
  }
  if (!Number.isInteger(n) || n < 100 || n > 15_000) throw new Error('--n must be an integer from 100 to 15000');
  return { n, snapshots };
}

interface Outcome {
  kind: Kind;
  connected: number;
  failed: number;
  perSecond: number;
  before: Memory;
  after: Memory;
  gone: Memory;
  census?: { before: Census; after: Census };
}

async function main(): Promise<number> {
  const { n, snapshots } = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'heap-per-connection-'));
  const secret = randomBytes(32).toString('hex');
  const gens = await LoadGenerators.start(2);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const outcomes: Outcome[] = [];
    for (const kind of ['bare', 'gateway'] as const) outcomes.push(await measure(kind, n, { dir, secret, gens, snapshots, log }));
    report(outcomes, log);
    return outcomes.every((o) => o.failed === 0) ? 0 : 1;
  } finally {
    await gens.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(kind: Kind, n: number, o: { dir: string; secret: string; gens: LoadGenerators; snapshots: boolean; log: (line: string) => void }): Promise<Outcome> {
  const port = await freePort();
  const env =
    kind === 'gateway'
      ? { ...gatewayEnv({ dbPath: join(o.dir, 'embedded.sqlite'), secret: o.secret, poolSize: 1, logLevel: 'info' }), PORT: String(port) }
      : { PORT: String(port) };
  const server: Forked = forkTs(new URL(import.meta.url), kind, { ...env, HEAP_ROLE: kind });
  try {
    await withTimeout(server.remote.ready, 60_000, `${kind} did not start`);
    await server.remote.call('ready', {}, 10_000);
    const target: Target = kind === 'gateway' ? 'gateway' : 'floor';
    const spec = {
      target,
      url: `http://127.0.0.1:${port}`,
      userPrefix: `${kind}-`,
      accountPrefix: `${kind}-acct-`,
      usersPerAccount: 10,
      secret: o.secret,
      sourceAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'],
      concurrency: 100,
      timeoutMs: 20_000,
      budgetMs: 120_000,
    };
    // Warm-up: what the first connections load and compile (and the account caches they fill) is not per-connection.
    await o.gens.connect({ ...spec, userPrefix: `${kind}-warm-` }, 200);
    await o.gens.disconnect(target);
    await sleep(1_000);
    const memory = async (): Promise<Memory> => ({ ...(await server.remote.call<Memory>('memory', {}, 30_000)), rss: sampleTree(server.pid).rssBytes });
    const snapshot = async (label: string): Promise<Census | undefined> => {
      if (!o.snapshots) return undefined;
      const file = await server.remote.call<string>('snapshot', { file: join(o.dir, `${kind}-${label}.heapsnapshot`) }, 120_000);
      const census = censusOf(file);
      // HEAP_KEEP_SNAPSHOTS=<dir>: keep the snapshots there (open them in Chrome DevTools → Memory).
      const keep = process.env.HEAP_KEEP_SNAPSHOTS;
      if (keep) renameSync(file, join(keep, `${kind}-${label}.heapsnapshot`));
      else rmSync(file, { force: true });
      return census;
    };
    // The snapshot before the baseline reading: writing one leaves the writer's memory resident, which must not
    // count as the connections' (the snapshot after comes after the reading).
    const censusBefore = await snapshot('before');
    const before = await memory();
    const r = await o.gens.connect(spec, n);
    o.log(`${kind}: +${r.connected} connections at ${Math.round(r.perSecond)}/s, ${r.failed} failed${r.failed ? ` ${JSON.stringify(r.errors)}` : ''}`);
    await sleep(3_000);
    const after = await memory();
    const censusAfter = await snapshot('after');
    await o.gens.disconnect(target);
    await sleep(2_000);
    // What stays resident once every connection is gone: memory the process keeps (allocator, heap pages), not
    // memory the connections hold.
    const gone = await memory();
    return {
      gone,
      kind,
      connected: r.connected,
      failed: r.failed,
      perSecond: r.perSecond,
      before,
      after,
      ...(censusBefore && censusAfter ? { census: { before: censusBefore, after: censusAfter } } : {}),
    };
  } finally {
    await server.remote.call('close', {}, 20_000).catch(() => undefined);
    await stop(server.child, 5_000);
  }
}

/** Self size by constructor: objects by their constructor name, closures by function name, the rest by node type. */
export function censusOf(file: string): Census {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const census: Census = new Map();
  const { nodes, strings } = snap;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt] ?? 0] ?? '?';
    const name = strings[nodes[i + nameAt] ?? 0] ?? '?';
    const key =
      type === 'object' || type === 'native'
        ? name.slice(0, 70)
        : type === 'closure'
          ? `closure ${name.slice(0, 60) || '(anonymous)'}`
          : type === 'string' || type === 'concatenated string' || type === 'sliced string'
            ? '(strings)'
            : type === 'array' || type === 'hidden' || type === 'object shape'
              ? `(${type}) ${name.slice(0, 50)}`
              : `(${type})`;
    const entry = census.get(key) ?? { size: 0, count: 0 };
    entry.size += nodes[i + sizeAt] ?? 0;
    entry.count += 1;
    census.set(key, entry);
  }
  return census;
}

function growth(c: { before: Census; after: Census }, n: number): Census {
  const out: Census = new Map();
  for (const key of new Set([...c.before.keys(), ...c.after.keys()])) {
    const a = c.after.get(key) ?? { size: 0, count: 0 };
    const b = c.before.get(key) ?? { size: 0, count: 0 };
    out.set(key, { size: (a.size - b.size) / n, count: (a.count - b.count) / n });
  }
  return out;
}

function report(outcomes: Outcome[], log: (line: string) => void): void {
  const per = (o: Outcome, field: keyof Memory) => (o.connected ? (o.after[field] - o.before[field]) / o.connected : Number.NaN);
  const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;
  const bare = outcomes.find((o) => o.kind === 'bare');
  const gateway = outcomes.find((o) => o.kind === 'gateway');
  if (!bare || !gateway) return;
  const rows = (['rss', 'heapTotal', 'newSpace', 'heapUsed', 'external', 'arrayBuffers'] as const).map((field) => {
    const g = per(gateway, field);
    const b = per(bare, field);
    return [`${field} KB / connection`, kb(g), kb(b), b > 0 ? Math.round((g / b) * 100) / 100 : '—'];
  });
  const left = (o: Outcome) => (o.connected ? (o.gone.rss - o.before.rss) / o.connected : Number.NaN);
  const native = (o: Outcome) => per(o, 'rss') - per(o, 'heapTotal') - per(o, 'external');
  rows.push(['RSS outside the JS heap KB / conn', kb(native(gateway)), kb(native(bare)), '—']);
  rows.push(['RSS still held after disconnect KB / conn', kb(left(gateway)), kb(left(bare)), '—']);
  rows.push(['connect rate / s', Math.round(gateway.perSecond), Math.round(bare.perSecond), Math.round((gateway.perSecond / bare.perSecond) * 100) / 100]);
  log('');
  log(formatTable(`Per idle connection (after a full GC), ${gateway.connected} gateway / ${bare.connected} bare connections`, ['figure', 'gateway', 'bare', 'ratio'], rows));
  log('RSS figures move by several KB per connection from run to run (what the allocator and V8 keep resident); the heap figures are stable.');
  if (!gateway.census || !bare.census) return;
  const g = growth(gateway.census, gateway.connected);
  const b = growth(bare.census, bare.connected);
  const diff = [...new Set([...g.keys(), ...b.keys()])].map((key) => {
    const gs = g.get(key) ?? { size: 0, count: 0 };
    const bs = b.get(key) ?? { size: 0, count: 0 };
    return { key, gateway: gs, bare: bs, extra: gs.size - bs.size };
  });
  diff.sort((x, y) => Math.abs(y.extra) - Math.abs(x.extra));
  const total = (c: Census) => [...c.values()].reduce((a, e) => a + e.size, 0);
  log('');
  log(
    formatTable(
      `JS heap self size per connection by constructor, gateway − bare (top 25; totals ${Math.round(total(g))} B vs ${Math.round(total(b))} B)`,
      ['constructor / node type', 'extra B', 'gateway B', 'gateway objs', 'bare B', 'bare objs'],
      diff.slice(0, 25).map((d) => [d.key, Math.round(d.extra), Math.round(d.gateway.size), round2(d.gateway.count), Math.round(d.bare.size), round2(d.bare.count)]),
    ),
  );
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Last, so every declaration above is initialised before either side starts.
const role = process.env.HEAP_ROLE as Kind | undefined;
if (role) await serve(role);
else process.exitCode = await main();
