// Section 6: Redis, the cluster's shared ceiling (DESIGN "Request core and the Redis budget"). Its own servers: a
// private redis-server and two gateway nodes in the default configuration, one with REDIS_URL on it, one without,
// each with the same SDK-like closed-loop clients (client-chosen requestIds, `received` confirmations). Phases
// alternate between the two nodes; the Redis node's are bracketed by INFO commandstats and cpu (commands and Redis
// CPU per prompt). A separate short window under MONITOR counts round trips. Then the request state alone on the
// same Redis (its cost without the gateway around it, with and without ioredis auto-pipelining), and a local Redis
// Cluster: how many users' request state spreads over its masters (bench/lib/cluster-spread.ts).
import type { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePorts } from '../../deploy/local-cluster/processes.js';
import type { HistoryEntry } from '../../packages/protocol/src/index.js';
import { measureSpread, type SpreadResult } from '../lib/cluster-spread.js';
import { LoadGenerators } from '../lib/loadgens.js';
import { redisClient, startLocalRedisCluster, startRedisProcess } from '../lib/redis-procs.js';
import { readCounters, startMonitor, subtract } from '../lib/redis-stats.js';
import { measureStoreOnly, type StoreOnlyResult } from '../lib/request-drive.js';
import { startGateway, type ServerHandle } from '../lib/servers.js';
import { redisRows, redisText, type Node, type RedisMeasurements, type RedisPhase } from './redis-report.js';
import { connectSpec, type Context, type SectionResult } from './context.js';

interface Nodes {
  servers: Record<Node, ServerHandle>;
  gens: Record<Node, LoadGenerators>;
}

async function phase(ctx: Context, nodes: Nodes, node: Node, round: number, counters?: Redis): Promise<RedisPhase> {
  const s = ctx.settings;
  const server = nodes.servers[node];
  const before = { cpu: server.sample().treeCpuMs, redis: counters ? await readCounters(counters) : undefined };
  const t0 = performance.now();
  const loop = await nodes.gens[node].loop({ target: 'gateway', event: 'send-prompt', requestIds: true, durationMs: s.redis.phaseMs, warmupMs: s.warmupMs, maxRequests: s.redis.clients * s.maxPerClient, timeoutMs: s.requestTimeoutMs });
  const wallMs = performance.now() - t0;
  const redis = counters && before.redis ? subtract(await readCounters(counters), before.redis) : undefined;
  const cpuMs = server.sample().treeCpuMs - before.cpu;
  const record: RedisPhase = {
    node,
    round,
    perSecond: Math.round(loop.perSecond),
    latency: loop.latency,
    issued: loop.issued,
    errorCount: loop.errorCount,
    errors: loop.errors,
    gatewayCpuMsPerPrompt: Math.round((cpuMs / Math.max(1, loop.issued)) * 1000) / 1000,
    wallMs: Math.round(wallMs),
    ...(redis ? { redis } : {}),
  };
  const perPrompt = redis ? `, Redis ${(redis.calls / loop.issued).toFixed(2)} commands and ${Math.round(redis.cpuUs / loop.issued)} µs CPU per prompt` : '';
  ctx.log(`  round ${round + 1}, ${node} Redis: ${record.perSecond}/s, p50 ${loop.latency.p50} ms, errors ${loop.errorCount}${loop.errorCount ? ` ${JSON.stringify(loop.errors)}` : ''}${perPrompt}`);
  return record;
}

/** A request the Redis node really stored (a history entry: its prompt and response), so the cluster's records have the real size. */
async function storedEntry(redis: Redis): Promise<HistoryEntry> {
  let cursor = '0';
  let key: string | undefined;
  for (let i = 0; i < 1_000 && key === undefined; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'ws:history:*', 'COUNT', 1_000);
    [key, cursor] = [keys[0], next];
    if (cursor === '0') break;
  }
  const raw = key === undefined ? null : await redis.lindex(key, 0);
  if (raw === null) throw new Error('the gateway with Redis stored no history entry: were its prompts answered?');
  return JSON.parse(raw) as HistoryEntry;
}

async function startNodes(ctx: Context, dir: string, redisUrl: string): Promise<Nodes> {
  const s = ctx.settings;
  const common = { secret: ctx.secret, poolSize: s.poolSize, logLevel: s.logLevel };
  const started = await Promise.allSettled([
    startGateway({ ...common, dbPath: join(dir, 'with-redis.sqlite'), redisUrl }, 'gateway with Redis'),
    startGateway({ ...common, dbPath: join(dir, 'without-redis.sqlite') }, 'gateway without Redis'),
    // The node without Redis gets load generators of its own, as many as ctx.gens, so both hold their clients.
    LoadGenerators.start(s.loadGenerators),
  ]);
  const [withRedis, without, gens] = started;
  if (withRedis.status === 'fulfilled' && without.status === 'fulfilled' && gens.status === 'fulfilled') {
    return { servers: { with: withRedis.value, without: without.value }, gens: { with: ctx.gens, without: gens.value } };
  }
  await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  const failed = started.find((r) => r.status === 'rejected');
  throw failed?.reason instanceof Error ? failed.reason : new Error('a redis-section server did not start');
}

async function measureNodes(ctx: Context, nodes: Nodes, counters: Redis): Promise<Omit<RedisMeasurements, 'spread' | 'store' | 'responseBytes'>> {
  const s = ctx.settings;
  const r = s.redis;
  for (const node of ['with', 'without'] as const) {
    const c = await nodes.gens[node].connect(connectSpec(ctx, 'gateway', nodes.servers[node].url, 'redis-', 'redis-a'), r.clients);
    // One request per client: seeds the accounts' demo data, loads the scripts, opens each user's rate window.
    const seed = await nodes.gens[node].loop({ target: 'gateway', event: 'send-prompt', requestIds: true, durationMs: 120_000, warmupMs: 0, maxRequests: r.clients, timeoutMs: s.requestTimeoutMs });
    ctx.log(`  ${node} Redis: ${c.connected} clients connected (${c.failed} failed), seed p50 ${seed.latency.p50} ms, errors ${seed.errorCount}`);
  }
  const idle0 = await readCounters(counters);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idleCpuUsPerSecond = Math.round((await readCounters(counters)).cpuUs - idle0.cpuUs);

  const phases: RedisPhase[] = [];
  for (let round = 0; round < r.rounds; round++) {
    const order: Node[] = round % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const node of order) phases.push(await phase(ctx, nodes, node, round, node === 'with' ? counters : undefined));
  }

  ctx.log(`redis: round trips under MONITOR, ${r.monitorMs} ms (not a CPU window)`);
  const monitor = await startMonitor(counters);
  const loop = await nodes.gens.with.loop({ target: 'gateway', event: 'send-prompt', requestIds: true, durationMs: r.monitorMs, warmupMs: 0, maxRequests: r.clients * s.maxPerClient, timeoutMs: s.requestTimeoutMs });
  const count = await monitor.stop();
  ctx.log(`  ${loop.issued} prompts, ${count.roundTrips} round trips (${(count.roundTrips / Math.max(1, loop.issued)).toFixed(2)} per prompt)`);
  return { clients: r.clients, phases, monitor: { prompts: loop.issued, count }, idleCpuUsPerSecond };
}

export async function runRedis(ctx: Context): Promise<SectionResult> {
  const s = ctx.settings;
  const dir = mkdtempSync(join(tmpdir(), 'gateway-bench-redis-'));
  const [port = 0] = await freePorts(1);
  const server = await startRedisProcess(port);
  const counters = redisClient(port);
  try {
    ctx.log(`redis: a private redis-server on port ${port}; one gateway node with REDIS_URL on it, one without, ${s.redis.clients} clients each`);
    const nodes = await startNodes(ctx, dir, `redis://127.0.0.1:${port}`);
    let measured: Omit<RedisMeasurements, 'spread' | 'store' | 'responseBytes'>;
    let entry: HistoryEntry;
    try {
      measured = await measureNodes(ctx, nodes, counters);
      entry = await storedEntry(counters);
    } finally {
      await Promise.all([nodes.gens.with.disconnect('gateway'), nodes.gens.without.close(), nodes.servers.with.close(), nodes.servers.without.close()]);
    }

    const r = s.redis;
    const drive = { response: entry.response, prompt: entry.input, concurrency: r.clients, budgetMs: r.spreadBudgetMs };
    ctx.log(`redis: the request state alone on the private redis-server, ${r.clients} users × ${r.storeRequestsPerUser} requests at once, ioredis auto-pipelining off, then on`);
    const store: StoreOnlyResult[] = [];
    for (const autoPipelining of [false, true]) {
      const result = await measureStoreOnly(port, { ...drive, prefix: `store-${autoPipelining ? 'ap' : 'plain'}-`, users: r.clients, requestsPerUser: r.storeRequestsPerUser }, autoPipelining);
      store.push(result);
      ctx.log(`  auto-pipelining ${autoPipelining ? 'on' : 'off'}: ${result.requests} requests, ${Math.round(result.requests / (result.elapsedMs / 1000))}/s, Redis ${(result.delta.cpuUs / result.requests).toFixed(1)} µs CPU per request`);
    }

    ctx.log(`redis: a local Redis Cluster of ${r.masters} masters; ${r.spreadUsers} users × ${r.spreadRequestsPerUser} requests through the request state`);
    const cluster = await startLocalRedisCluster(dir, r.masters);
    let spread: SpreadResult;
    try {
      spread = await measureSpread(cluster, { ...drive, prefix: 'spread-', users: r.spreadUsers, requestsPerUser: r.spreadRequestsPerUser, concurrency: r.spreadConcurrency });
    } finally {
      await cluster.kill();
    }
    ctx.log(`  ${spread.requests} requests in ${Math.round(spread.elapsedMs)} ms; keys per master ${spread.masters.map((m) => m.keys).join(' / ')}`);
    const data: RedisMeasurements = { ...measured, responseBytes: JSON.stringify(entry.response).length, store, spread };
    return { rows: redisRows(data), data, text: redisText(data) };
  } finally {
    counters.disconnect();
    await server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
