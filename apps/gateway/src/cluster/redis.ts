// The gateway's Redis connections, created by main.ts (the caller owns them): one for commands (sessions,
// mailbox, idempotency, history, limits), and a publisher and a subscriber for the Socket.IO adapter and emitter,
// in any topology (shared/redis.ts). ioredis reconnects with capped exponential backoff and re-subscribes on its own.
// One unreachable REDIS_URL starts the node anyway, on purpose (it serves its own clients and joins when Redis
// comes); a seed list (REDIS_CLUSTER_NODES, REDIS_SENTINELS) that leads nowhere is a configuration mistake, so it
// stops start-up, after a bounded wait, with a message naming the setting.
import type { Logger } from 'pino';
import { connectAll, createRedisClient, describeTopology, guardPublishes, reconnectBackoff, type RedisClient, type RedisTarget } from '../shared/redis.js';
import { explainUnreachable } from './redis-probe.js';

export interface RedisConnections {
  command: RedisClient;
  pub: RedisClient;
  sub: RedisClient;
  /** True while the command connection is up: readiness and the start-up log read it. */
  isReady(): boolean;
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  target: RedisTarget;
  logger: Logger;
  /** How long start-up waits for Redis: then one REDIS_URL goes on without Redis, a seed list fails start-up. */
  connectTimeoutMs?: number;
}

export class RedisStartupError extends Error {
  override readonly name = 'RedisStartupError';
}

export async function connectRedis(options: RedisConnectOptions): Promise<RedisConnections> {
  const { target } = options;
  const client = (connectionName: string, choices: { enableOfflineQueue: boolean; maxRetriesPerRequest: number | null; shardedSubscriber?: boolean; autoPipelining?: boolean }) =>
    createRedisClient(target, { connectionName, retryStrategy: reconnectBackoff, ...choices });
  // Commands fail fast while Redis (or, in a Cluster, the slot's master) is down: each caller degrades (see the
  // stores); they never queue unboundedly.
  const command = client('gateway-cmd', { enableOfflineQueue: false, maxRetriesPerRequest: 1, autoPipelining: true });
  // While Redis is down, cross-node publishes are dropped (guarded below) rather than queued without bound.
  const pub = client('gateway-pub', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // Subscriptions made while Redis is down must wait for it (never rejected), then ioredis re-subscribes on
  // reconnect; in a Cluster, one subscriber per master takes each sharded channel by its slot.
  const sub = client('gateway-sub', { enableOfflineQueue: true, maxRetriesPerRequest: null, shardedSubscriber: true });
  const clients = { command, pub, sub };
  guardPublishes(pub, options.logger);

  const log = options.logger.child({ component: 'redis' });
  for (const [name, connection] of Object.entries(clients)) {
    let wasReady = false;
    connection.on('ready', () => {
      if (wasReady) log.info({ connection: name }, 'redis reconnected');
      wasReady = true;
    });
    connection.on('error', (err: Error) => log.warn({ connection: name, err: err.message }, 'redis connection error'));
    connection.on('end', () => log.warn({ connection: name }, 'redis connection closed'));
    // A Cluster's per-node trouble (a master failing over): the client itself stays up.
    connection.on('node error', (err: Error, node: string) => log.warn({ connection: name, node, err: err.message }, 'redis cluster node error'));
  }

  const all = Object.values(clients);
  const close = async (): Promise<void> => {
    await Promise.allSettled(all.map((c) => c.quit().catch(() => c.disconnect())));
  };
  const timeout = options.connectTimeoutMs ?? 5_000;
  const failure = await connectAll(all, timeout, target.topology.kind === 'single');
  if (failure !== undefined) {
    if (target.topology.kind === 'single') {
      log.error({ redis: describeTopology(target.topology) }, 'redis is not reachable yet; starting without it (serving its own clients) and retrying in the background');
    } else {
      for (const c of all) c.disconnect();
      throw new RedisStartupError(await explainUnreachable(target, timeout, failure));
    }
  }

  return {
    command,
    pub,
    sub,
    isReady: () => all.every((c) => c.status === 'ready'),
    close,
  };
}
