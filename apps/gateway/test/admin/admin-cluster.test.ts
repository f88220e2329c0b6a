// The admin API's cluster-wide routes on two nodes sharing Redis: a disconnect, presence and a push asked of one
// node reach the sockets held by the other; a drain asked of one node leaves the other serving.
import type { PresenceUser, SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, ADMIN_ENV } from '../helpers/admin.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { nextEvent } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

describe('admin API across two nodes', () => {
  let cluster: TestCluster;
  const node = (i: number) => cluster.nodes[i]!;

  beforeAll(async () => {
    cluster = await startCluster(2, { ...ADMIN_ENV, DRAIN_BATCH_INTERVAL_MS: '0' });
  });
  afterAll(() => cluster.close());

  it('GET /admin/info reports the Redis link', async () => {
    const res = await admin(node(0), '/admin/info');
    expect(res.body).toMatchObject({ node: 'node-0', redis: { mode: 'cluster', ready: true } });
  });

  it('POST /admin/disconnect on node 0 disconnects the user held by node 1', async () => {
    const socket = await node(1).connect('cross-kick');
    await eventually(async () => (await cluster.redis.get(`${cluster.prefix}ws:user:connection:cross-kick`)) === socket.id);
    const replaced = nextEvent<SessionReplaced>(socket, 'session-replaced');
    const gone = nextEvent<string>(socket, 'disconnect');
    expect((await admin(node(0), '/admin/disconnect', { body: { userId: 'cross-kick' } })).status).toBe(200);
    expect((await replaced).reason).toBe('admin');
    expect(await gone).toBe('io server disconnect');
  });

  it('GET /admin/presence on node 0 lists the account\'s users of both nodes', async () => {
    const a = await node(0).connect('cp-alice', { account: 'acct-cp' });
    const b = await node(1).connect('cp-bob', { account: 'acct-cp' });
    const res = await admin<{ users: PresenceUser[] }>(node(0), '/admin/presence?account=acct-cp');
    expect(res.status).toBe(200);
    expect(res.body.users.map((user) => user.userId)).toEqual(['cp-alice', 'cp-bob']);
    a.disconnect();
    b.disconnect();
  });

  it('POST /admin/notify on node 1 reaches the account\'s sockets on both nodes', async () => {
    const a = await node(0).connect('cn-alice', { account: 'acct-cn' });
    const b = await node(1).connect('cn-bob', { account: 'acct-cn' });
    const toA = nextEvent<unknown>(a, 'maintenance');
    const toB = nextEvent<unknown>(b, 'maintenance');
    expect((await admin(node(1), '/admin/notify', { body: { account: 'acct-cn', event: 'maintenance', data: { in: 5 } } })).status).toBe(202);
    expect(await toA).toEqual({ in: 5 });
    expect(await toB).toEqual({ in: 5 });
    const toUser = nextEvent<unknown>(a, 'note');
    expect((await admin(node(1), '/admin/notify', { body: { userId: 'cn-alice', event: 'note', data: [1, 2] } })).status).toBe(202);
    expect(await toUser).toEqual([1, 2]);
    a.disconnect();
    b.disconnect();
  });

  it('POST /admin/drain drains only the node asked', async () => {
    const onOne = await node(1).connect('drain-1');
    const onZero = await node(0).connect('drain-0');
    const gone = nextEvent<string>(onOne, 'disconnect');
    expect((await admin(node(1), '/admin/drain', { method: 'POST' })).status).toBe(202);
    expect(await gone).toBe('io server disconnect');
    expect((await fetch(`${node(1).url}/readyz`)).status).toBe(503);
    expect((await fetch(`${node(0).url}/readyz`)).status).toBe(200);
    expect(onZero.connected).toBe(true);
    expect((await admin(node(0), '/admin/info')).body).toMatchObject({ draining: false });
  });
});
