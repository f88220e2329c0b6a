// Fault: on a Redis Cluster of our own (3 masters, 1 replica each), the master that carries the adapter's main
// channel is SIGKILLed under load from two gateway nodes; its replica is promoted. See ./failover.ts for what must
// hold: nothing answered is lost, what Redis acknowledged before the kill still replays, kicks work afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/shared/redis-keys.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { startRedisCluster, type RedisClusterFixture } from '../helpers/redis-cluster.js';
import { failoverUnderLoad } from './failover.js';

describe('fault: a Redis Cluster master SIGKILLed under load', () => {
  let redis: RedisClusterFixture;
  let cluster: TestCluster;
  beforeAll(async () => {
    redis = await startRedisCluster();
    cluster = await startCluster(2, { REDIS_CLUSTER_NODES: redis.seeds, LOG_LEVEL: 'warn', REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '1000', PROMPT_RATE_PER_MINUTE: '100000', EVENTS_PER_10S: '100000' });
  }, 90_000);
  afterAll(async () => {
    await cluster?.close();
    await redis?.close();
  });

  it('the replica takes over; the nodes keep serving, nothing acknowledged is lost, kicks still work', async () => {
    // The master of the adapter's main channel (every kick and cluster request goes over it) is the one to die.
    const victim = await redis.masterOf(`${redisKeys.adapterChannel(cluster.prefix)}#/#`);
    const { failoverMs } = await failoverUnderLoad({
      scenario: 'redis cluster: master SIGKILL under load (2 nodes, 3 masters + 3 replicas)',
      cluster,
      async userOnFailingNode(base, keyOf) {
        for (let i = 0; i < 200; i++) if ((await redis.masterOf(keyOf(`${base}-${i}`))) === victim) return `${base}-${i}`;
        throw new Error(`no ${base} user on master ${victim}`);
      },
      async failover() {
        await redis.kill(victim);
        await redis.failedOverFrom(victim);
      },
    });
    expect(failoverMs).toBeLessThan(30_000);
  }, 120_000);
});
