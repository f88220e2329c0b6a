// Library entry point (`@leadlovers/gateway/notify`): lets any Node backend push an event to an account's or a
// user's sockets on every gateway node, without running a gateway — only Redis, with the cluster's key prefix.
//
//   const notifier = await connectNotifier({ redisUrl: 'redis://redis:6379', keyPrefix: 'll:' });
//   await notifier.notify({ account: '42' }, 'lead-created', { account: '42', lead, receivedAt });
//   await notifier.close();
import { Redis } from 'ioredis';
import { redisKeys } from '../shared/redis-keys.js';
import { createEmitterNotifier, type Notifier } from './notifier.js';

export { createEmitterNotifier, createServerNotifier, roomOf, type Notifier, type NotifyTarget, type PushEvent } from './notifier.js';

export interface NotifierOptions {
  /** The gateways' REDIS_URL. */
  redisUrl: string;
  /** The gateways' REDIS_KEY_PREFIX (default ''). */
  keyPrefix?: string;
  password?: string;
  /** How long to wait for the first connection (default 5 s). */
  connectTimeoutMs?: number;
}

export interface ConnectedNotifier extends Notifier {
  close(): Promise<void>;
}

/** Connects to Redis and returns a notifier; rejects if Redis cannot be reached in time. */
export async function connectNotifier(options: NotifierOptions): Promise<ConnectedNotifier> {
  const redis = new Redis(options.redisUrl, {
    ...(options.password ? { password: options.password } : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    connectionName: 'leadlovers-notifier',
  });
  redis.on('error', () => {
    // Reconnection is automatic; notify() rejects while the connection is down.
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`notifier: cannot connect to Redis: ${(err as Error).message}`);
  }
  const notifier = createEmitterNotifier(redis, redisKeys.adapterChannel(options.keyPrefix ?? ''));
  return {
    notify: notifier.notify,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
