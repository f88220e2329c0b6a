// REDIS_SENTINELS + REDIS_SENTINEL_NAME: two gateway nodes on a primary found through 3 Sentinels of our own
// (with one replica) pass the topology suite over the classic adapter and @socket.io/redis-emitter; a name the
// Sentinels do not monitor fails start-up, saying so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, RedisStartupError } from '../../src/cluster/redis.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { SENTINEL_NAME, startSentinels, type SentinelFixture } from '../helpers/redis-sentinel.js';
import { topologySuite } from './topology-suite.js';

describe('gateway cluster on a Sentinel-managed primary (REDIS_SENTINELS)', () => {
  let redis: SentinelFixture;
  beforeAll(async () => {
    redis = await startSentinels();
  }, 60_000);
  afterAll(() => redis?.close());

  topologySuite(() => ({
    env: { REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_NAME: SENTINEL_NAME },
    notifier: { sentinels: redis.sentinels, sentinelName: SENTINEL_NAME },
    describes: new RegExp(`Redis Sentinel primary "${SENTINEL_NAME}" via .*\\(REDIS_SENTINELS\\), Redis adapter \\(PUBLISH\\)`),
  }));

  it('a REDIS_SENTINEL_NAME the Sentinels do not monitor fails start-up, naming it', async () => {
    const target = loadConfig({ REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_NAME: 'no-such-primary' }).redis!;
    const error = await connectRedis({ target, logger: createLogger('silent'), connectTimeoutMs: 1_500 }).then(
      (connections) => connections.close(),
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(RedisStartupError);
    expect((error as Error).message).toMatch(/^REDIS_SENTINELS: no primary "no-such-primary" reachable through /);
    expect((error as Error).message).toContain('does not monitor "no-such-primary" (check REDIS_SENTINEL_NAME)');
  });
});
