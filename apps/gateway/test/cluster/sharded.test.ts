// REDIS_SHARDED=true: the same cluster guarantees over Redis 7 sharded pub/sub (createShardedAdapter), where
// kicks go through the adapter instead of the emitter.
import type { PresenceChanged, SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { collect, eventually, nextEvent, sendPrompt } from '../helpers/gateway.js';

describe('sharded adapter', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(2, { REDIS_SHARDED: 'true' });
  });
  afterAll(() => cluster.close());

  it('kicks across nodes, broadcasts to account rooms across nodes, and serves prompts', async () => {
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const watcher = await a.connect('s-watch', { account: 'shard-co' });
    const changes = collect<PresenceChanged>(watcher, 'presence-changed');
    const first = await a.connect('s-user', { account: 'shard-co' });
    await eventually(() => changes.some((c) => c.userId === 's-user' && c.status === 'online'));

    const replaced = nextEvent<SessionReplaced>(first, 'session-replaced');
    const second = await b.connect('s-user', { account: 'shard-co' });
    expect((await replaced).reason).toBe('new-connection');
    await eventually(async () => (await cluster.redis.get(`${cluster.prefix}ws:user:connection:s-user`)) === second.id);
    expect((await sendPrompt(second, 'Mostre todas as máquinas')).isSuccess).toBe(true);
  });
});
