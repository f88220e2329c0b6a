// Library entry point (`@leadlovers/gateway/notify`): lets any Node backend push an event to an account's or a
// user's sockets on every gateway node, without running a gateway — only Redis, in the gateways' topology, with the
// cluster's key prefix. One Redis or Sentinel: through @socket.io/redis-emitter (classic PUBLISH). Redis Cluster
// (or REDIS_SHARDED): through a headless Socket.IO server with the sharded adapter (SPUBLISH; ./sharded-publisher.ts).
//
//   const notifier = await connectNotifier({ redisUrl: 'redis://redis:6379', keyPrefix: 'll:' });
//   // or { clusterNodes: 'redis-1:6379,redis-2:6379' }, or { sentinels: 's1:26379,s2:26379', sentinelName: 'gw' }
//   await notifier.notify({ account: '42' }, 'lead-created', { account: '42', lead, receivedAt });
//   await notifier.close();
import { redisKeys } from '../shared/redis-keys.js';
import { connectClient, parseSeedList, type RedisClient, type RedisNodeAddress, type RedisTarget, type RedisTopology } from '../shared/redis.js';
import { createEmitterNotifier, createShardedNotifier, type Notifier } from './notifier.js';
import { createShardedPublisher } from './sharded-publisher.js';

export { createEmitterNotifier, createServerNotifier, createShardedNotifier, roomOf, type Notifier, type NotifyTarget, type PushEvent } from './notifier.js';
export type { RedisNodeAddress } from '../shared/redis.js';

export interface NotifierOptions {
  /** The gateways' REDIS_URL. Give exactly one of redisUrl, clusterNodes and sentinels. */
  redisUrl?: string;
  /** The gateways' REDIS_CLUSTER_NODES ('host:port,…' or a list): pushes go through sharded pub/sub. */
  clusterNodes?: string | readonly RedisNodeAddress[];
  /** The gateways' REDIS_SENTINELS, with sentinelName (REDIS_SENTINEL_NAME). */
  sentinels?: string | readonly RedisNodeAddress[];
  sentinelName?: string;
  sentinelPassword?: string;
  /** The gateways run REDIS_SHARDED=true on one Redis (always so with clusterNodes). */
  sharded?: boolean;
  /** The gateways' REDIS_KEY_PREFIX (default ''). */
  keyPrefix?: string;
  password?: string;
  /** TLS to Redis (the gateways' REDIS_TLS; a rediss:// redisUrl turns it on by itself). */
  tls?: boolean;
  /** How long to wait for the first connection (default 5 s). */
  connectTimeoutMs?: number;
}

export interface ConnectedNotifier extends Notifier {
  close(): Promise<void>;
}

/** Connects to Redis and returns a notifier; rejects if Redis cannot be reached in time. */
export async function connectNotifier(options: NotifierOptions): Promise<ConnectedNotifier> {
  const topology = topologyOf(options);
  const target: RedisTarget = {
    topology,
    password: options.password,
    tls: options.tls ?? (topology.kind === 'single' && topology.url.startsWith('rediss:')),
  };
  let redis: RedisClient;
  try {
    redis = await connectClient(target, 'leadlovers-notifier', options.connectTimeoutMs ?? 5_000);
  } catch (err) {
    throw new Error(`notifier: cannot connect to Redis: ${(err as Error).message}`);
  }
  const key = redisKeys.adapterChannel(options.keyPrefix ?? '');
  const quit = async () => {
    await redis.quit().catch(() => redis.disconnect());
  };
  if (!(options.sharded || topology.kind === 'cluster')) {
    return { notify: createEmitterNotifier(redis, key).notify, close: quit };
  }
  const publisher = createShardedPublisher(redis, key);
  return {
    notify: createShardedNotifier(publisher, () => redis.status === 'ready').notify,
    async close() {
      await publisher.close();
      await quit();
    },
  };
}

function topologyOf(options: NotifierOptions): RedisTopology {
  const given = [options.redisUrl, options.clusterNodes, options.sentinels].filter((value) => value !== undefined && value !== '');
  if (given.length !== 1) throw new Error('notifier: give exactly one of redisUrl, clusterNodes and sentinels');
  if (options.redisUrl) return { kind: 'single', url: options.redisUrl };
  if (options.clusterNodes) return { kind: 'cluster', nodes: nodesOf(options.clusterNodes, 'clusterNodes') };
  if (!options.sentinelName) throw new Error('notifier: sentinels needs sentinelName (the gateways’ REDIS_SENTINEL_NAME)');
  return { kind: 'sentinel', sentinels: nodesOf(options.sentinels ?? [], 'sentinels'), name: options.sentinelName, sentinelPassword: options.sentinelPassword };
}

function nodesOf(value: string | readonly RedisNodeAddress[], option: string): readonly RedisNodeAddress[] {
  if (typeof value !== 'string') return value;
  const parsed = parseSeedList(value);
  if ('bad' in parsed) throw new Error(`notifier: ${option} must be a comma-separated list of host:port (bad entry ${JSON.stringify(parsed.bad)})`);
  return parsed.nodes;
}
