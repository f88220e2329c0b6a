// Plain ioredis clients on the shared test Redis for one test file, for the tests of the Redis implementations
// themselves (gateway fixtures make their own connections). The file's keys live under its prefix and are deleted
// after it; without Redis every test of the file fails with the reason (a failed beforeAll would only skip them).
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { deleteKeys, REDIS_URL } from './cluster.js';

const TEST_OPTIONS: RedisOptions = { connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: (n: number) => (n > 2 ? null : 100) };

export interface TestRedis {
  /** Two clients on REDIS_URL, for two "nodes" sharing state. They connect on their first command. */
  redis: Redis;
  redis2: Redis;
  /** One more client (another server, other options), closed after the file with the others. */
  connect(url?: string, options?: RedisOptions): Redis;
}

/** Call at the top of a test file: registers the hooks that check Redis before the tests and clean up after them. */
export function useTestRedis(prefix: string): TestRedis {
  const clients: Redis[] = [];
  const connect = (url = REDIS_URL, options: RedisOptions = {}): Redis => {
    const client = new Redis(url, { ...TEST_OPTIONS, ...options });
    client.on('error', () => {}); // surfaced through the ping below, or by the test that expects it
    clients.push(client);
    return client;
  };
  // Lazy, so that importing the file (vitest list) connects nothing: the ping in beforeAll opens them.
  const redis = connect(REDIS_URL, { lazyConnect: true });
  const redis2 = connect(REDIS_URL, { lazyConnect: true });

  let unreachable: Error | undefined;
  beforeAll(async () => {
    try {
      await Promise.all([redis.ping(), redis2.ping()]);
    } catch (err) {
      unreachable = new Error(`these tests need Redis at ${REDIS_URL} (set REDIS_URL): ${String(err)}`);
    }
  });
  beforeEach(() => {
    if (unreachable) throw unreachable;
  });
  afterAll(async () => {
    if (redis.status === 'ready') await deleteKeys(redis, `${prefix}*`);
    for (const client of clients) client.disconnect();
  });
  return { redis, redis2, connect };
}
