// Fault: the Sentinel-managed primary (one replica, 3 Sentinels of our own) is SIGKILLed under load from two
// gateway nodes, or switched over on purpose (SENTINEL FAILOVER: the old primary stays up, read-only); the
// Sentinels promote the replica and the nodes follow it. See ./failover.ts for what must hold: nothing answered is
// lost, what Redis acknowledged before the failover still replays, kicks work afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { SENTINEL_NAME, startSentinels, type SentinelFixture } from '../helpers/redis-sentinel.js';
import { failoverUnderLoad } from './failover.js';

for (const mode of ['SIGKILL', 'SENTINEL FAILOVER'] as const) {
  describe(`fault: the Sentinel primary under load, ${mode}`, () => {
    let redis: SentinelFixture;
    let cluster: TestCluster;
    beforeAll(async () => {
      redis = await startSentinels();
      cluster = await startCluster(2, {
        REDIS_SENTINELS: redis.sentinels,
        REDIS_SENTINEL_NAME: SENTINEL_NAME,
        LOG_LEVEL: 'warn',
        REDIS_WAIT_REPLICAS: '1',
        REDIS_WAIT_TIMEOUT_MS: '1000',
        PROMPT_RATE_PER_MINUTE: '100000',
        EVENTS_PER_10S: '100000',
      });
    }, 90_000);
    afterAll(async () => {
      await cluster?.close();
      await redis?.close();
    });

    it('the Sentinels promote the replica; the nodes keep serving, nothing acknowledged is lost, kicks still work', async () => {
      const primary = await redis.primary();
      const { failoverMs } = await failoverUnderLoad({
        scenario: `redis sentinel: primary ${mode === 'SIGKILL' ? 'SIGKILL' : 'switch-over'} under load (2 nodes, 1 replica, 3 sentinels)`,
        cluster,
        // One primary holds every key.
        userOnFailingNode: async (base) => base,
        async failover() {
          await (mode === 'SIGKILL' ? redis.kill(primary) : redis.switchOver());
          await redis.failedOverFrom(primary);
        },
      });
      expect(failoverMs).toBeLessThan(30_000);
    }, 120_000);
  });
}
