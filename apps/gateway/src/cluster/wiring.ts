// Turns Redis connections into what a gateway node needs to be part of the cluster: the Socket.IO Redis adapter
// (classic pub/sub, or sharded pub/sub for Redis Cluster), a kicker that reaches sockets on any node through
// @socket.io/redis-emitter, and a readiness check.
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '@leadlovers/protocol';
import { createEmitterNotifier, createServerNotifier, type Notifier } from '../notify/notifier.js';
import { createEmitterKicker, createServerKicker, type SessionKicker } from '../session/kicker.js';
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
  keyPrefix: string;
  sharded: boolean;
  requestsTimeoutMs: number;
}

export function createRedisCluster(redis: RedisConnections, options: ClusterOptions): ClusterWiring {
  const key = redisKeys.adapterChannel(options.keyPrefix);
  if (options.sharded) {
    return {
      adapter: createShardedAdapter(redis.pub, redis.sub, { channelPrefix: key, subscriptionMode: 'dynamic' }),
      // The emitter speaks classic pub/sub only: with sharded channels, kicks go through the adapter itself.
      createKicker: (io) => createServerKicker(io),
      // Broadcasts through the sharded adapter reach every node too.
      createNotifier: (io) => createServerNotifier(io),
      isReady: redis.isReady,
      describe: 'cluster: Redis sharded pub/sub adapter (SPUBLISH), sessions, mailbox and limits in Redis',
    };
  }
  const emitter = new Emitter<ServerToClientEvents>(redis.pub, { key });
  return {
    adapter: createAdapter(redis.pub, redis.sub, { key, requestsTimeout: options.requestsTimeoutMs }),
    createKicker: () => createEmitterKicker(emitter),
    createNotifier: () => createEmitterNotifier(redis.pub, key),
    isReady: redis.isReady,
    describe: 'cluster: Redis adapter, sessions, mailbox, idempotency, history and limits in Redis',
  };
}
