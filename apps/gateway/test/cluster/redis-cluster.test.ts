// REDIS_CLUSTER_NODES: two gateway nodes on a real Redis Cluster of our own (3 masters, 1 replica each) pass the
// topology suite over ioredis Cluster and the sharded adapter; and every key set that one script or MULTI touches
// hashes to one slot, checked with CLUSTER KEYSLOT on the cluster itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/shared/redis-keys.js';
import { startRedisCluster, type RedisClusterFixture } from '../helpers/redis-cluster.js';
import { topologySuite } from './topology-suite.js';

describe('gateway cluster on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let redis: RedisClusterFixture;
  beforeAll(async () => {
    redis = await startRedisCluster();
  }, 60_000);
  afterAll(() => redis?.close());

  const suite = topologySuite(() => ({
    env: { REDIS_CLUSTER_NODES: redis.seeds },
    notifier: { clusterNodes: redis.seeds },
    describes: /Redis Cluster via seed nodes .*\(REDIS_CLUSTER_NODES\), sharded pub\/sub adapter/,
  }));

  it('the keys of every multi-key script share one slot, for awkward user ids too', async () => {
    const client = suite.cluster().redis;
    const slot = async (key: string) => Number(await client.call('CLUSTER', 'KEYSLOT', key));
    for (const user of ['u-1', 'user:with:colons', 'a{b}c', '}{', 'ü@example.com']) {
      const prefix = suite.cluster().prefix;
      // The admission and completion scripts take the record, limits, mailbox and history keys of one user.
      const keys = [redisKeys.request(prefix, user, 'r-1'), redisKeys.limits(prefix, user), redisKeys.mailbox(prefix, user), redisKeys.history(prefix, user), redisKeys.conversation(prefix, user, 'c-1')];
      const slots = new Set(await Promise.all(keys.map(slot)));
      expect(slots.size, user).toBe(1);
    }
    // The users' keys spread over the masters rather than all landing on one.
    const masters = new Set(await Promise.all(Array.from({ length: 12 }, (_, i) => redis.masterOf(redisKeys.mailbox('', `spread-${i}`)))));
    expect(masters.size).toBeGreaterThan(1);
  });
});
