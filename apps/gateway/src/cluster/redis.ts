// The gateway's Redis connections, created by main.ts (the caller owns them): one for commands (sessions,
// mailbox, idempotency, history, limits), and a publisher and a subscriber for the Socket.IO adapter and emitter.
// ioredis reconnects with capped exponential backoff and re-subscribes on its own.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisConnections {
  command: Redis;
  pub: Redis;
  sub: Redis;
  /** True while the command connection is up: readiness and the start-up log read it. */
  isReady(): boolean;
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  url: string;
  password?: string | undefined;
  logger: Logger;
  /** How long start-up waits for Redis before going on not-ready (the node still serves local clients). */
  connectTimeoutMs?: number;
}

const retryStrategy = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 6), 5_000) + Math.floor(Math.random() * 100);

export async function connectRedis(options: RedisConnectOptions): Promise<RedisConnections> {
  const base: RedisOptions = {
    ...(options.password ? { password: options.password } : {}),
    retryStrategy,
    connectTimeout: 5_000,
    lazyConnect: true,
  };
  // Commands fail fast while Redis is down (each caller degrades: see the stores); they never queue unboundedly.
  const command = new Redis(options.url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'gateway-cmd' });
  // While Redis is down, cross-node publishes are dropped (guarded below) rather than queued without bound.
  const pub = new Redis(options.url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'gateway-pub' });
  // Subscriptions made while Redis is down must wait for it (never rejected), then ioredis re-subscribes on reconnect.
  const sub = new Redis(options.url, { ...base, maxRetriesPerRequest: null, connectionName: 'gateway-sub' });
  guardPublishes(pub, options.logger);

  const log = options.logger.child({ component: 'redis' });
  for (const [name, client] of Object.entries({ command, pub, sub })) {
    let wasReady = false;
    client.on('ready', () => {
      if (wasReady) log.info({ connection: name }, 'redis reconnected');
      wasReady = true;
    });
    client.on('error', (err: Error) => log.warn({ connection: name, err: err.message }, 'redis connection error'));
    client.on('end', () => log.warn({ connection: name }, 'redis connection closed'));
  }

  const timeout = options.connectTimeoutMs ?? 5_000;
  const connected = await Promise.race([
    Promise.all([command.connect(), pub.connect(), sub.connect()]).then(() => true, () => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeout).unref()),
  ]);
  if (!connected) log.error({ url: redactUrl(options.url) }, 'redis is not reachable yet; starting not-ready and retrying in the background');

  return {
    command,
    pub,
    sub,
    isReady: () => command.status === 'ready' && pub.status === 'ready' && sub.status === 'ready',
    async close() {
      await Promise.allSettled([command, pub, sub].map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}

/** The redis adapter and emitter call publish()/spublish() without catching: a rejection must not crash the node. */
function guardPublishes(client: Redis, logger: Logger): void {
  for (const method of ['publish', 'spublish'] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => Promise<number>;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      original(...args).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message, method }, 'redis publish failed');
        return 0;
      });
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(invalid url)';
  }
}
