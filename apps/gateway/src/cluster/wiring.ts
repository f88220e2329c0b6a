// Turns Redis connections into what a gateway node needs to be part of the cluster: the Socket.IO Redis adapter
// (classic pub/sub, or sharded pub/sub for Redis Cluster), a kicker and a notifier that reach sockets on any node,
// and a readiness check. Classic pub/sub (one Redis, Sentinel): kicks and webhook pushes go through
// @socket.io/redis-emitter. Sharded (Redis Cluster, REDIS_SHARDED): the emitter cannot SPUBLISH, so pushes go
// through the node's own adapter, and kicks as one 'session-kick' serverSideEmit message (session/kicker.ts).
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '@leadlovers/protocol';
import { createEmitterNotifier, createServerNotifier, type Notifier } from '../notify/notifier.js';
import { createEmitterKicker, createShardedKicker, type SessionKicker } from '../session/kicker.js';
import { describeTopology, type RedisTopology } from '../shared/redis.js';
import type { GatewayServer } from '../shared/socket.js';
import type { RedisConnections } from './redis.js';
import { redisKeys } from '../shared/redis-keys.js';

export interface ClusterWiring {
  adapter: ReturnType<typeof createAdapter> | ReturnType<typeof createShardedAdapter>;
  createKicker(io: GatewayServer): SessionKicker;
  /** Pushes events to account/user rooms on every node (webhooks). */
  createNotifier(io: GatewayServer): Notifier;
  isReady(): boolean;
  describe: string;
}

export interface ClusterOptions {
  topology: RedisTopology;
  keyPrefix: string;
  sharded: boolean;
  requestsTimeoutMs: number;
}

const STATE = 'sessions, mailbox, idempotency, history and limits in Redis';

export function createRedisCluster(redis: RedisConnections, options: ClusterOptions): ClusterWiring {
  const key = redisKeys.adapterChannel(options.keyPrefix);
  const where = describeTopology(options.topology);
  if (options.sharded) {
    return {
      adapter: createShardedAdapter(redis.pub, redis.sub, { channelPrefix: key, subscriptionMode: 'dynamic' }),
      createKicker: (io) => createShardedKicker(io),
      // Broadcasts through the sharded adapter reach every node that has the room.
      createNotifier: (io) => createServerNotifier(io, () => redis.pub.status === 'ready'),
      isReady: redis.isReady,
      describe: `cluster: ${where}, sharded pub/sub adapter (SPUBLISH), kicks as one serverSideEmit message, pushes through the adapter; ${STATE}`,
    };
  }
  const emitter = new Emitter<ServerToClientEvents>(redis.pub, { key });
  return {
    adapter: createAdapter(redis.pub, redis.sub, { key, requestsTimeout: options.requestsTimeoutMs }),
    createKicker: () => createEmitterKicker(emitter),
    createNotifier: () => createEmitterNotifier(redis.pub, key),
    isReady: redis.isReady,
    describe: `cluster: ${where}, Redis adapter (PUBLISH), kicks and pushes through @socket.io/redis-emitter; ${STATE}`,
  };
}
