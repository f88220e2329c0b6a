// REDIS_SHARDED=true on one Redis: the topology suite over Redis 7 sharded pub/sub (createShardedAdapter), where
// kicks are one session-kick message and `pnpm kick` and the notify library publish through a headless server.
import { describe } from 'vitest';
import { REDIS_URL } from '../helpers/cluster.js';
import { topologySuite } from './topology-suite.js';

describe('sharded adapter on one Redis (REDIS_SHARDED=true)', () => {
  topologySuite(() => ({
    env: { REDIS_URL, REDIS_SHARDED: 'true' },
    notifier: { redisUrl: REDIS_URL, sharded: true },
    describes: /one Redis at .* \(REDIS_URL\), sharded pub\/sub adapter \(SPUBLISH\)/,
  }));
});
