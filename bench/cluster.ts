// pnpm bench:cluster — cross-node kick latency against its floor (bare disconnectSockets over the Redis adapter),
// and cross-node broadcast delivery against bare Socket.IO, on 2 gateway nodes in this process over a real Redis.
// Knobs (env): BENCH_ROUNDS (300), BENCH_SECONDS (60, latency phase), BENCH_CLIENTS (50), BENCH_EVENTS (2000).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteKeys, startCluster, type TestCluster } from '../apps/gateway/test/helpers/cluster.js';
import type { Client } from '../apps/gateway/test/helpers/gateway.js';
import { accountRoom } from '../apps/gateway/src/shared/socket.js';
import { BROADCAST_MARK, measureBroadcast, type BroadcastOptions } from './lib/broadcast.js';
import { FLOOR_ROOM, startFloorPair, type FloorPair } from './lib/floor.js';
import { floorRound, kickRound } from './lib/kick.js';
import { describeMachine, renderReport, writeReport, type ClusterReport } from './lib/report.js';
import { ms, summarize } from './lib/stats.js';
import { connectTimed } from './lib/timing.js';

const USAGE = 'usage: pnpm bench:cluster   (knobs in the environment: BENCH_ROUNDS, BENCH_SECONDS, BENCH_CLIENTS, BENCH_EVENTS; needs REDIS_URL or 127.0.0.1:6379)';
const args = process.argv.slice(2);
if (args.length > 0) {
  const help = args.length === 1 && (args[0] === '--help' || args[0] === '-h');
  process.stderr.write(`${help ? '' : `unknown argument(s): ${args.join(' ')}\n`}${USAGE}\n`);
  process.exit(help ? 0 : 2);
}

const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const settings = {
  rounds: positive('BENCH_ROUNDS', 300),
  latencySeconds: positive('BENCH_SECONDS', 60),
  clients: positive('BENCH_CLIENTS', 50),
  events: positive('BENCH_EVENTS', 2000),
  warmupRounds: 5,
  roundTimeoutMs: 5_000,
  broadcastEmitBudgetMs: 10_000,
  broadcastTimeoutMs: 20_000,
};
const WARN_ONLY = { MCP_POOL_SIZE: '1', LOG_LEVEL: 'warn' };

let stopping = false;
// First Ctrl-C: stop the latency rounds and clean up as usual (the broadcasts are bounded); a second one kills.
process.once('SIGINT', () => (stopping = true));

async function measureLatency(cluster: TestCluster, pair: FloorPair): Promise<ClusterReport['latency']> {
  const [a, b] = [cluster.nodes[0]!, cluster.nodes[1]!];
  const kick = { handshake: [] as number[], start: [] as number[], failures: 0 };
  const floor = { samples: [] as number[], failures: 0 };
  const runKick = async (user: string, keep: boolean) => {
    try {
      const sample = await kickRound(a, b, user, settings.roundTimeoutMs);
      if (!keep) return;
      kick.handshake.push(sample.fromHandshake);
      kick.start.push(sample.fromConnectStart);
    } catch {
      if (keep) kick.failures++;
    }
  };
  const runFloor = async (keep: boolean) => {
    try {
      const sample = await floorRound(pair, settings.roundTimeoutMs);
      if (keep) floor.samples.push(sample);
    } catch {
      if (keep) floor.failures++;
    }
  };

  for (let i = 0; i < settings.warmupRounds; i++) await Promise.all([runKick(`warm-${i}`, false), runFloor(false)]);
  const deadline = performance.now() + settings.latencySeconds * 1000;
  let rounds = 0;
  for (; rounds < settings.rounds && performance.now() < deadline && !stopping; rounds++) {
    // Alternate which goes first so drift in background load hits both sides alike.
    if (rounds % 2 === 0) await runKick(`kick-${rounds}`, true).then(() => runFloor(true));
    else await runFloor(true).then(() => runKick(`kick-${rounds}`, true));
    // Let the previous round's releases and presence-offline broadcasts drain before timing the next one.
    await sleep(5);
  }
  const kickFromHandshake = summarize(kick.handshake);
  const floorSummary = summarize(floor.samples);
  return {
    rounds,
    failures: { kick: kick.failures, floor: floor.failures },
    kickFromHandshake,
    kickFromConnectStart: summarize(kick.start),
    floor: floorSummary,
    p99DiffMs: ms(kickFromHandshake.p99 - floorSummary.p99),
  };
}

async function measureBroadcasts(cluster: TestCluster, pair: FloorPair): Promise<ClusterReport['broadcast']> {
  const options: BroadcastOptions = { events: settings.events, emitBudgetMs: settings.broadcastEmitBudgetMs, timeoutMs: settings.broadcastTimeoutMs };
  const payload = { userId: BROADCAST_MARK, status: 'online' as const, at: new Date().toISOString() };

  const account = `bench-${randomUUID().slice(0, 8)}`;
  const users: Client[] = [];
  for (let i = 0; i < settings.clients; i++) users.push(await cluster.nodes[i % 2]!.connect(`bcast-${i}`, { account }));
  await sleep(500); // the joins' own presence-changed storm (clients² events) settles before counting
  const origin = cluster.nodes[0]!.gateway.io;
  const gateway = await measureBroadcast(users, () => origin.to(accountRoom(account)).emit('presence-changed', payload), options);
  for (const socket of users) socket.disconnect();
  await sleep(500); // and their presence-offline storm, so it does not land in the floor's measurement

  const bare = Array.from({ length: settings.clients }, (_, i) => pair.client(i % 2 === 0 ? 0 : 1));
  await Promise.all(bare.map((socket) => connectTimed(socket, settings.roundTimeoutMs)));
  const floor = await measureBroadcast(bare, () => pair.servers[0].to(FLOOR_ROOM).emit('presence-changed', payload), options);
  for (const socket of bare) socket.disconnect();
  return { gateway, floor };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  process.stdout.write(`starting 2 gateway nodes and 2 bare Socket.IO servers on 127.0.0.1…\n`);
  const cluster = await startCluster(2, WARN_ONLY);
  const floorKey = `bench-floor:${randomUUID().slice(0, 8)}:`;
  let pair: FloorPair | undefined;
  try {
    pair = await startFloorPair(cluster.redis, `${floorKey}socket.io`);
    const latency = await measureLatency(cluster, pair);
    const broadcast = await measureBroadcasts(cluster, pair);
    const report: ClusterReport = { startedAt, machine, loadavgAtEnd: loadavg().map(ms), settings, latency, broadcast };
    process.stdout.write(`\n${renderReport(report)}\nwrote ${writeReport(report)}\n`);
  } finally {
    await pair?.close();
    await deleteKeys(cluster.redis, `${floorKey}*`);
    await cluster.close();
  }
}

await main();
