// Test fixture: several gateway nodes in this process, joined through a real Redis under a key prefix unique
// to the run, sharing one embedded database. Redis is the shared one at REDIS_URL unless `env` names another
// (REDIS_URL, or REDIS_CLUSTER_NODES / REDIS_SENTINELS of a server set the test started). Without a reachable
// Redis the fixture throws: cluster tests fail, they never skip.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { loadConfig } from '../../src/config/config.js';
import { createRedisClient, reconnectBackoff, type RedisClient } from '../../src/shared/redis.js';
import { startGateway, type TestGateway } from './gateway.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestCluster {
  nodes: TestGateway[];
  prefix: string;
  /** A plain client on the same Redis (a Cluster client on a Redis Cluster), for inspecting keys. */
  redis: RedisClient;
  close(): Promise<void>;
}

export async function startCluster(size: number, env: Record<string, string> = {}): Promise<TestCluster> {
  const prefix = `test:${randomUUID().slice(0, 8)}:`;
  const dir = mkdtempSync(join(tmpdir(), 'cluster-test-'));
  const seeded = env.REDIS_CLUSTER_NODES !== undefined || env.REDIS_SENTINELS !== undefined;
  const shared: Record<string, string> = {
    ...(seeded ? {} : { REDIS_URL: env.REDIS_URL ?? REDIS_URL }),
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
  // The same Redis settings as the nodes (only those: the rest may be for a node alone).
  const target = loadConfig(Object.fromEntries(Object.entries(shared).filter(([name]) => name.startsWith('REDIS_')))).redis!;
  const redis = createRedisClient(target, { connectionName: 'test-inspect', enableOfflineQueue: true, maxRetriesPerRequest: 1, retryStrategy: reconnectBackoff });
  redis.on('error', () => undefined); // tests that stop Redis on purpose read failures from the nodes, not from here
  redis.connect().catch(() => undefined); // commands queue until it is up
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

/** On a Redis Cluster, every master is scanned, and keys are deleted one by one (they live in many slots). */
export async function deleteKeys(redis: RedisClient, pattern: string): Promise<void> {
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      await Promise.all(keys.map((key) => redis.del(key)));
      cursor = next;
    } while (cursor !== '0');
  }
}
