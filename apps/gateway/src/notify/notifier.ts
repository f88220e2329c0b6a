// Pushes a server event to every socket of an account or of a user, wherever in the cluster it is connected.
// With classic pub/sub the message goes through @socket.io/redis-emitter on the adapter's channel, so any process
// with a Redis connection can notify (webhooks, other backends: see ./index.ts); with sharded pub/sub (Redis
// Cluster) it goes through a Socket.IO server's sharded adapter; a single in-memory node emits directly.
import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '@leadlovers/protocol';
import { GatewayError } from '../shared/errors.js';
import type { RedisClient } from '../shared/redis.js';
import { accountRoom, userRoom, type GatewayServer } from '../shared/socket.js';
import type { ShardedPublisher } from './sharded-publisher.js';

export type NotifyTarget = { account: string } | { user: string };

/** Server events a notifier may push: the ones without an ack callback. */
export type PushEvent = Exclude<keyof ServerToClientEvents, 'prompt-response'>;

export interface Notifier {
  /**
   * Sends `event` to the target's room on every node. Resolves once the message is handed to Redis (or emitted
   * locally); rejects with GatewayError('INTERNAL') when Redis is down, so a webhook can answer 503 and be retried.
   */
  notify<E extends PushEvent>(target: NotifyTarget, event: E, ...args: Parameters<ServerToClientEvents[E]>): Promise<void>;
}

const TARGET_ID = /^[A-Za-z0-9@._:-]{1,128}$/;

export function roomOf(target: NotifyTarget): string {
  const id = 'account' in target ? target.account : target.user;
  if (typeof id !== 'string' || !TARGET_ID.test(id)) throw new GatewayError('INVALID_ARGUMENTS', 'notify: the account or user id must be 1..128 of A-Z a-z 0-9 @ . _ : -');
  return 'account' in target ? accountRoom(id) : userRoom(id);
}

const unavailable = (): GatewayError => new GatewayError('INTERNAL', 'Redis is unavailable: the notification was not sent');

/**
 * Through a Socket.IO server: a single node without Redis (local sockets), or any server whose adapter is the
 * sharded one (Redis Cluster, REDIS_SHARDED), which carries the broadcast to every node that has the room.
 * `isReady` (its publisher's state) makes a push refused while Redis is down, as the emitter's is.
 */
export function createServerNotifier(io: GatewayServer, isReady: () => boolean = () => true): Notifier {
  return {
    async notify(target, event, ...args) {
      const room = roomOf(target);
      if (!isReady()) throw unavailable();
      (io.to(room).emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
    },
  };
}

/**
 * Through Redis: `key` is the adapter's channel prefix (redisKeys.adapterChannel(REDIS_KEY_PREFIX)), so every node's adapter
 * picks the message up. The emitter publishes without waiting; a client that is not connected would queue or drop
 * the message silently, so the connection's state is checked first.
 */
export function createEmitterNotifier(redis: RedisClient, key: string): Notifier {
  const emitter = new Emitter<ServerToClientEvents>(redis, { key });
  return {
    async notify(target, event, ...args) {
      const room = roomOf(target);
      if (redis.status !== 'ready') throw unavailable();
      (emitter.to(room).emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
    },
  };
}

/**
 * Through a headless server's sharded adapter (a process that is not a gateway, on sharded pub/sub): resolves once
 * Redis took the SPUBLISH; a shard failing over rejects it, so the caller can retry.
 */
export function createShardedNotifier(publisher: ShardedPublisher, isReady: () => boolean): Notifier {
  return {
    async notify(target, event, ...args) {
      const room = roomOf(target);
      if (!isReady()) throw unavailable();
      await publisher.publish((io) => (io.to(room).emit as (event: string, ...args: unknown[]) => boolean)(event, ...args)).catch((err: unknown) => {
        throw new GatewayError('INTERNAL', `the notification was not sent: ${(err as Error).message}`);
      });
    },
  };
}
