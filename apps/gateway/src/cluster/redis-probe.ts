// Why a seed list led nowhere, for the start-up error: each Redis Cluster seed is asked CLUSTER INFO, each
// Sentinel for the primary it knows by REDIS_SENTINEL_NAME, and the message names the setting and what every seed
// answered (refused, not a cluster node, cluster_state:fail, unknown name...). Every probe is bounded.
import { Redis } from 'ioredis';
import { formatNodes, type RedisNodeAddress, type RedisTarget } from '../shared/redis.js';

export async function explainUnreachable(target: RedisTarget, waitedMs: number, failure: string): Promise<string> {
  const { topology } = target;
  const probeMs = Math.min(2_000, Math.max(200, waitedMs));
  if (topology.kind === 'cluster') {
    const answers = await Promise.all(topology.nodes.map((node) => probeClusterSeed(node, target, probeMs)));
    return `REDIS_CLUSTER_NODES: no working Redis Cluster behind ${formatNodes(topology.nodes)} (${failure}): ${answers.join('; ')}`;
  }
  if (topology.kind === 'sentinel') {
    const answers = await Promise.all(topology.sentinels.map((node) => probeSentinel(node, topology.name, target, probeMs)));
    return `REDIS_SENTINELS: no primary "${topology.name}" reachable through ${formatNodes(topology.sentinels)} (${failure}): ${answers.join('; ')}`;
  }
  return `REDIS_URL: ${failure}`;
}

async function probeClusterSeed(node: RedisNodeAddress, target: RedisTarget, timeoutMs: number): Promise<string> {
  const name = `${node.host}:${node.port}`;
  return withProbe(node, target.password, target.tls, timeoutMs, async (redis) => {
    try {
      const info = String(await redis.call('CLUSTER', 'INFO'));
      const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
      return state === 'ok' ? `${name} says cluster_state:ok, yet the cluster client did not become ready from here` : `${name} is a cluster node in cluster_state:${state}`;
    } catch (err) {
      const message = (err as Error).message;
      return /cluster support disabled/i.test(message) ? `${name} is not a cluster node (cluster support disabled: use REDIS_URL for one Redis)` : `${name}: ${message}`;
    }
  }).catch((err: Error) => `${name}: ${err.message}`);
}

async function probeSentinel(node: RedisNodeAddress, masterName: string, target: RedisTarget, timeoutMs: number): Promise<string> {
  const name = `${node.host}:${node.port}`;
  const sentinelPassword = target.topology.kind === 'sentinel' ? target.topology.sentinelPassword : undefined;
  return withProbe(node, sentinelPassword, target.tls, timeoutMs, async (redis) => {
    let primary: unknown;
    try {
      primary = await redis.call('SENTINEL', 'get-master-addr-by-name', masterName);
    } catch (err) {
      const message = (err as Error).message;
      return /unknown command/i.test(message) ? `${name} is not a Sentinel` : `${name}: ${message}`;
    }
    if (!Array.isArray(primary)) return `${name} does not monitor "${masterName}" (check REDIS_SENTINEL_NAME)`;
    const address = { host: String(primary[0]), port: Number(primary[1]) };
    const reached = await withProbe(address, target.password, target.tls, timeoutMs, async (redis) => String(await redis.ping())).catch(
      (err: Error) => err.message,
    );
    return `${name} names primary ${address.host}:${address.port}, which answers: ${reached}`;
  }).catch((err: Error) => `${name}: ${err.message}`);
}

/** One short-lived connection that never retries, closed whatever happens. */
async function withProbe<T>(node: RedisNodeAddress, password: string | undefined, tls: boolean, timeoutMs: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: node.host,
    port: node.port,
    ...(password ? { password } : {}),
    ...(tls ? { tls: {} } : {}),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // A refused connection rejects connect() with "Connection is closed."; the 'error' event says why.
  let cause: Error | undefined;
  redis.on('error', (err: Error) => {
    cause = err;
  });
  try {
    await redis.connect().catch((err: Error) => {
      throw cause ?? err;
    });
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
