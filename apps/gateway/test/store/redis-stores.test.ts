// The Redis implementations against a real Redis: the shared behaviour suites first, then what only Redis has
// (exact key names, TTLs, races through two clients, several "nodes" sharing state, failing open without Redis).
// Every key lives under a per-run prefix and is deleted afterwards; without Redis these tests fail, never skip.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.js';
import { RedisSessionRegistry } from '../../src/session/redis-registry.js';
import { RedisHistoryStore } from '../../src/store/redis-history.js';
import { PendingAbandoned } from '../../src/store/idempotency.js';
import { RedisIdempotencyStore } from '../../src/store/redis-idempotency.js';
import { RedisMailbox } from '../../src/store/redis-mailbox.js';
import { RedisConfirmingUsers } from '../../src/store/redis-confirming-users.js';
import { describeConfirmingUsers, describeHistory, describeIdempotency, describeMailbox, describeSessionRegistry, response } from '../helpers/store-suites.js';
import { sleep } from '@leadlovers/testing';
import { useTestRedis } from '../helpers/redis-clients.js';

const prefix = `test:${randomUUID().slice(0, 8)}:`;
const { redis, redis2 } = useTestRedis(prefix);
let scope = 0;
/** A fresh key space per store, so tests never see each other's keys. */
const nextPrefix = (): string => `${prefix}${++scope}:`;

describeSessionRegistry('redis', () => new RedisSessionRegistry(redis, { prefix: nextPrefix() }));
describeMailbox('redis', (limits) => new RedisMailbox(redis, { prefix: nextPrefix(), ttlSeconds: limits.ttlMs / 1000, maxPerUser: limits.maxPerUser }));
describeIdempotency('redis', () => new RedisIdempotencyStore(redis, { prefix: nextPrefix(), pollIntervalMs: 10 }));
describeHistory('redis', (maxPerUser) => new RedisHistoryStore(redis, { prefix: nextPrefix(), maxPerUser }));
describeConfirmingUsers('redis', (ttlMs) => new RedisConfirmingUsers(redis, { prefix: nextPrefix(), ttlSeconds: ttlMs / 1000 }));

describe('RedisConfirmingUsers specifics', () => {
  it('is one key per user, ws:confirms:{<userId>} under the prefix, with a 30-day TTL, seen by another client', async () => {
    const keyPrefix = nextPrefix();
    const users = new RedisConfirmingUsers(redis, { prefix: keyPrefix });
    await users.add('user-42');
    expect(await redis.get(`${keyPrefix}ws:confirms:{user-42}`)).toBe('1');
    expect(await redis.ttl(`${keyPrefix}ws:confirms:{user-42}`)).toBeGreaterThan(29 * 86_400);
    expect(await new RedisConfirmingUsers(redis2, { prefix: keyPrefix }).has('user-42')).toBe(true);
  });
});

describe('RedisSessionRegistry specifics', () => {
  it('uses exactly ws:user:connection:<userId> with a 3600 s TTL when no prefix is given', async () => {
    const userId = `test-${randomUUID()}`;
    const key = `ws:user:connection:${userId}`;
    try {
      await new RedisSessionRegistry(redis).claim(userId, 'sock-1');
      expect(await redis.get(key)).toBe('sock-1');
      expect(await redis.ttl(key)).toBeGreaterThanOrEqual(3599);
    } finally {
      await redis.del(key);
    }
  });

  it('refresh re-extends the TTL only for the live socket; a stale socket can neither refresh nor release', async () => {
    const registry = new RedisSessionRegistry(redis, { prefix: nextPrefix() });
    const key = registry.key('u');
    await registry.claim('u', 'old');
    await registry.claim('u', 'new');
    await redis.expire(key, 10);
    await registry.refresh('u', 'old');
    expect(await redis.ttl(key)).toBeLessThanOrEqual(10);
    expect(await registry.release('u', 'old')).toBe(false);
    expect(await redis.get(key)).toBe('new');
    await registry.refresh('u', 'new');
    expect(await redis.ttl(key)).toBeGreaterThanOrEqual(3599);
  });

  it('two nodes claiming one user at once: the loser is always the one the winner reports as replaced', async () => {
    const space = nextPrefix();
    const nodeA = new RedisSessionRegistry(redis, { prefix: space });
    const nodeB = new RedisSessionRegistry(redis2, { prefix: space });
    const wins = { a: 0, b: 0 };
    for (let i = 0; i < 200; i++) {
      const user = `race-${i}`;
      const [fromA, fromB] = await Promise.all([nodeA.claim(user, 'a'), nodeB.claim(user, 'b')]);
      const winner = await nodeA.current(user);
      if (winner === 'a') expect([fromA, fromB]).toEqual(['b', null]);
      else expect([winner, fromA, fromB]).toEqual(['b', null, 'a']);
      wins[winner === 'a' ? 'a' : 'b']++;
    }
    expect(wins.a + wins.b).toBe(200);
  });
});

describe('RedisMailbox specifics', () => {
  it('lays a user out as one expiring sorted set of ids over the request records, readable from another node', async () => {
    const space = nextPrefix();
    const nodeA = new RedisMailbox(redis, { prefix: space, ttlSeconds: 600 });
    const nodeB = new RedisMailbox(redis2, { prefix: space, ttlSeconds: 600 });
    await nodeA.put('u', response('r1', { data: { n: 1 } }));
    const order = nodeA.key('u');
    const record = `${space}ws:request:{u}:r1`;
    expect(order).toBe(`${space}ws:mailbox:{u}`);
    expect(JSON.parse((await redis.get(record)) ?? 'null')).toMatchObject({ state: 'done', response: response('r1', { data: { n: 1 } }) });
    expect(Number(await redis.zscore(order, 'r1'))).toBeGreaterThan(Date.now() * 1000 - 60_000_000);
    for (const key of [record, order]) expect(await redis.ttl(key)).toBeGreaterThan(590);
    expect((await nodeB.pending('u')).map((r) => r.requestId)).toEqual(['r1']);
    expect(await nodeB.ack('u', 'r1')).toBe(true);
    expect(await redis.exists(order)).toBe(0);
    // The record stays: it still answers an idempotent retry of r1 until it expires.
    expect(await redis.exists(record)).toBe(1);
  });

  it('skips a record it cannot read, or one that is gone, instead of failing the whole replay, and drops its id', async () => {
    const space = nextPrefix();
    const mailbox = new RedisMailbox(redis, { prefix: space });
    await mailbox.put('u', response('r1'));
    await redis.set(`${space}ws:request:{u}:bad`, '{not json');
    await redis.zadd(mailbox.key('u'), Date.now() * 1000 + 10_000_000, 'bad');
    await redis.zadd(mailbox.key('u'), Date.now() * 1000 + 10_000_001, 'gone');
    await mailbox.put('u', response('r2'));
    expect((await mailbox.pending('u')).map((r) => r.requestId)).toEqual(['r1', 'r2']);
    expect(await redis.zrange(mailbox.key('u'), 0, -1)).toEqual(['r1', 'r2']);
  });
});

describe('RedisIdempotencyStore specifics', () => {
  it('a retry on another node waits for the first node to complete', async () => {
    const space = nextPrefix();
    const nodeA = new RedisIdempotencyStore(redis, { prefix: space, pollIntervalMs: 10 });
    const nodeB = new RedisIdempotencyStore(redis2, { prefix: space, pollIntervalMs: 10 });
    expect(await nodeA.begin('u', 'r1', 'f')).toEqual({ status: 'new' });
    const retry = await nodeB.begin('u', 'r1', 'f');
    if (retry.status !== 'pending') throw new Error(`expected pending, got ${retry.status}`);
    setTimeout(() => void nodeA.complete('u', 'r1', response('r1', { data: [] })), 50);
    expect(await retry.wait).toEqual(response('r1', { data: [] }));
    expect(await nodeB.begin('u', 'r1', 'f')).toEqual({ status: 'done', response: response('r1', { data: [] }) });
    expect(await redis.pttl(nodeA.key('u', 'r1'))).toBeGreaterThan(86_000_000);
  });

  it('an abandoned attempt tells the retry waiting on another node to take over, and frees the key', async () => {
    const space = nextPrefix();
    const nodeA = new RedisIdempotencyStore(redis, { prefix: space, pollIntervalMs: 10 });
    const nodeB = new RedisIdempotencyStore(redis2, { prefix: space, pollIntervalMs: 10 });
    await nodeA.begin('u', 'r1', 'f');
    const retry = await nodeB.begin('u', 'r1', 'f');
    if (retry.status !== 'pending') throw new Error(`expected pending, got ${retry.status}`);
    // The handler is attached before the abandon: the retry may poll and reject while abandon() is still on its way.
    const abandoned = expect(retry.wait).rejects.toBeInstanceOf(PendingAbandoned);
    await nodeA.abandon('u', 'r1', response('r1', { isSuccess: false, code: 'BUSY' }));
    await abandoned;
    expect(await nodeB.begin('u', 'r1', 'f')).toEqual({ status: 'new' });
  });

  it('a retry gives up with TIMEOUT, and a pending marker left by a dead node expires', async () => {
    const store = new RedisIdempotencyStore(redis, { prefix: nextPrefix(), pollIntervalMs: 10, waitTimeoutMs: 150, pendingTtlSeconds: 0.4 });
    await store.begin('u', 'r1', 'f');
    const retry = await store.begin('u', 'r1', 'f');
    if (retry.status !== 'pending') throw new Error(`expected pending, got ${retry.status}`);
    const err: unknown = await retry.wait.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('TIMEOUT');
    await sleep(400);
    expect(await store.begin('u', 'r1', 'f')).toEqual({ status: 'new' });
  });

  it('keepAlive renews a running request\'s lease; once it stops (the node died) the marker expires and a waiting retry takes over', async () => {
    const space = nextPrefix();
    // A lease of 0.6 s renewed every 0.2 s: a timer late by less than 0.4 s (a loaded machine) still renews in time.
    const nodeA = new RedisIdempotencyStore(redis, { prefix: space, pollIntervalMs: 10, pendingTtlSeconds: 0.6 });
    const nodeB = new RedisIdempotencyStore(redis2, { prefix: space, pollIntervalMs: 10, pendingTtlSeconds: 0.6 });
    expect(await nodeA.begin('u', 'r1', 'f')).toEqual({ status: 'new' });
    const stop = nodeA.keepAlive('u', 'r1', 'f');
    const retry = await nodeB.begin('u', 'r1', 'f');
    if (retry.status !== 'pending') throw new Error(`expected pending, got ${retry.status}`);
    let settled = false;
    const outcome = retry.wait.then(
      () => 'resolved',
      (err: unknown) => err,
    ).finally(() => (settled = true));
    // Three leases long, the marker is still there and the retry still waits.
    await sleep(1800);
    expect(settled).toBe(false);
    expect(await redis.get(nodeA.key('u', 'r1'))).toContain('pending');
    stop();
    expect(await outcome).toBeInstanceOf(PendingAbandoned);
    expect(await nodeB.begin('u', 'r1', 'f')).toEqual({ status: 'new' });
    // A renewal never revives a completed record nor another payload's marker.
    await nodeB.complete('u', 'r1', response('r1'));
    const stop2 = nodeA.keepAlive('u', 'r1', 'other');
    await sleep(500);
    stop2();
    expect(await nodeA.begin('u', 'r1', 'f')).toEqual({ status: 'done', response: response('r1') });
  });

  it('abandon leaves a completed response alone', async () => {
    const store = new RedisIdempotencyStore(redis, { prefix: nextPrefix() });
    await store.begin('u', 'r1', 'f');
    await store.complete('u', 'r1', response('r1'));
    await store.abandon('u', 'r1', response('r1', { isSuccess: false }));
    expect(await store.begin('u', 'r1', 'f')).toEqual({ status: 'done', response: response('r1') });
  });
});

describe('RedisHistoryStore specifics', () => {
  it('keeps one capped, expiring list per user', async () => {
    const history = new RedisHistoryStore(redis, { prefix: nextPrefix(), maxPerUser: 2, ttlSeconds: 600 });
    for (let i = 0; i < 4; i++) {
      await history.append('u', { requestId: `r${i}`, kind: 'tool', input: `t${i}`, at: new Date().toISOString(), response: response(`r${i}`) });
    }
    expect(history.key('u')).toMatch(/ws:history:\{u\}$/);
    expect(await redis.llen(history.key('u'))).toBe(2);
    expect(await redis.ttl(history.key('u'))).toBeGreaterThan(590);
    expect((await history.list('u', 10)).map((e) => e.requestId)).toEqual(['r3', 'r2']);
  });
});
