// Test fixture: several gateway nodes in this process, joined through a real Redis under a key prefix unique
// to the run, sharing one embedded database. Without a reachable Redis the fixture throws: cluster tests fail,
// they never skip.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startGateway, type TestGateway } from './gateway.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestCluster {
  nodes: TestGateway[];
  prefix: string;
  /** A plain client on the same Redis, for inspecting keys. */
  redis: Redis;
  close(): Promise<void>;
}

export async function startCluster(size: number, env: Record<string, string> = {}): Promise<TestCluster> {
  const prefix = `test:${randomUUID().slice(0, 8)}:`;
  const dir = mkdtempSync(join(tmpdir(), 'cluster-test-'));
  const shared = {
    REDIS_URL: env.REDIS_URL ?? REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    LEADLOVERS_DB_PATH: join(dir, 'embedded.sqlite'),
    ...env,
  };
  const nodes: TestGateway[] = [];
  try {
    for (let i = 0; i < size; i++) nodes.push(await startGateway({ ...shared, NODE_ID: `node-${i}` }));
  } catch (err) {
    await Promise.allSettled(nodes.map((node) => node.close()));
    throw err;
  }
  const redis = new Redis(shared.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // tests that stop Redis on purpose read failures from the nodes, not from here
  return {
    nodes,
    prefix,
    redis,
    async close() {
      await Promise.allSettled(nodes.map((node) => node.close()));
      await deleteKeys(redis, `${prefix}*`);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
