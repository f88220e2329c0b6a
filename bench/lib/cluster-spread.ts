// How the request state spreads over a Redis Cluster: distinct users' requests driven through the request state
// over an ioredis Cluster client (bench/lib/request-drive.ts), then each master's share of the keys (DBSIZE) and
// of the commands (commandstats delta), and what they cost all masters together.
import type { Redis } from 'ioredis';
import { readCounters, subtract, type CounterDelta, type RedisCounters } from './redis-stats.js';
import { redisClient, type LocalRedisCluster } from './redis-procs.js';
import { benchRequestState, driveRequests, type DriveOptions, type DriveResult } from './request-drive.js';

export interface MasterFigures {
  port: number;
  keys: number;
  delta: CounterDelta;
}

export interface SpreadResult extends DriveResult {
  users: number;
  masters: MasterFigures[];
}

const NONE: RedisCounters = { commands: {}, cpuUs: 0, memoryBytes: 0 };

export async function measureSpread(cluster: LocalRedisCluster, o: DriveOptions): Promise<SpreadResult> {
  const client = await cluster.connect();
  const masters = cluster.masters.map((m) => ({ port: m.port, redis: redisClient(m.port) }));
  try {
    // The store functions take a Redis; an ioredis Cluster has the same command API (defineCommand, status and
    // the commands the stores send), and every script touches one user's keys, in one slot.
    const state = benchRequestState(client as unknown as Redis);
    // A few users first: each master loads the scripts (NOSCRIPT → EVAL once), outside the counted window.
    await driveRequests(state, { ...o, prefix: `${o.prefix}warm-`, users: Math.min(30, o.users), requestsPerUser: 1 });
    const before = await Promise.all(masters.map((m) => readCounters(m.redis)));
    const drive = await driveRequests(state, o);
    const after = await Promise.all(masters.map((m) => readCounters(m.redis)));
    const keys = await Promise.all(masters.map((m) => m.redis.dbsize()));
    return {
      ...drive,
      users: o.users,
      masters: masters.map((m, i) => ({ port: m.port, keys: keys[i] ?? 0, delta: subtract(after[i] ?? NONE, before[i] ?? NONE) })),
    };
  } finally {
    client.disconnect();
    for (const m of masters) m.redis.disconnect();
  }
}
