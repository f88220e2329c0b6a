// The request state (admission and completion of a request) against both implementations: one behaviour suite
// for memory and Redis, then what only Redis has: every key of a user in one slot, two "nodes" sharing claims and
// limits, the command budget per request measured on a private redis-server, and the fallback while Redis is down.
// Without Redis these tests fail, never skip.
import type { Redis } from 'ioredis';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../../../deploy/local-cluster/processes.js';
import { MemoryHistoryStore, type HistoryStore } from '../../src/store/history.js';
import { MemoryIdempotencyStore, PendingAbandoned } from '../../src/store/idempotency.js';
import { createPromptLimiter } from '../../src/store/limits.js';
import { MemoryMailbox, type Mailbox } from '../../src/store/mailbox.js';
import { RedisHistoryStore } from '../../src/store/redis-history.js';
import { RedisMailbox } from '../../src/store/redis-mailbox.js';
import { createRedisRequestState } from '../../src/store/redis-request-state.js';
import { createMemoryRequestState, type Admission, type AdmitRequest, type RequestState } from '../../src/store/request-state.js';
import { killRedisServer, startRedisServer } from '../helpers/redis-server.js';
import { sleep } from '@leadlovers/testing';
import { useTestRedis } from '../helpers/redis-clients.js';
import { response } from '../helpers/store-suites.js';

const runPrefix = `test:rs:${randomUUID().slice(0, 8)}:`;
const { redis, redis2, connect } = useTestRedis(runPrefix);
let scope = 0;

interface Limits {
  perMinute: number;
  maxInFlight: number;
}
interface Subject {
  state: RequestState;
  mailbox: Mailbox;
  history: HistoryStore;
}

const request = (requestId: string, extra: Partial<AdmitRequest> = {}): AdmitRequest => ({ userId: 'u', requestId, keyed: true, fingerprint: `fp-${requestId}`, received: [], ...extra });

async function admitted(state: RequestState, req: AdmitRequest): Promise<Extract<Admission, { status: 'admitted' }>> {
  const admission = await state.admit(req);
  if (admission.status !== 'admitted') throw new Error(`expected admitted, got ${admission.status}${admission.status === 'refused' ? ` ${admission.error.code}` : ''}`);
  return admission;
}

async function answer(state: RequestState, req: AdmitRequest, res = response(req.requestId)): Promise<void> {
  const { ticket } = await admitted(state, req);
  await state.complete({ userId: req.userId, requestId: req.requestId, keyed: req.keyed, fingerprint: req.fingerprint, ticket, response: res, entry: { requestId: req.requestId, kind: 'tool', input: 'get_machines', at: new Date().toISOString() } });
}

function describeRequestState(name: string, create: (limits: Limits) => Subject): void {
  describe(`RequestState: ${name}`, () => {
    it('stores the response in the mailbox and the history; a later request confirming it removes it from the mailbox', async () => {
      const { state, mailbox, history } = create({ perMinute: 100, maxInFlight: 4 });
      await answer(state, request('r1'), response('r1', { data: { n: 1 } }));
      await answer(state, request('r2', { keyed: false, fingerprint: '' }));
      expect((await mailbox.pending('u')).map((r) => r.requestId)).toEqual(['r1', 'r2']);
      expect((await history.list('u', 10)).map((e) => [e.requestId, e.response.requestId])).toEqual([
        ['r2', 'r2'],
        ['r1', 'r1'],
      ]);
      expect((await history.list('u', 10))[1]?.response.data).toEqual({ n: 1 });
      await answer(state, request('r3', { received: ['r1', 'unknown'] }));
      expect((await mailbox.pending('u')).map((r) => r.requestId)).toEqual(['r2', 'r3']);
      expect(await mailbox.pending('other')).toEqual([]);
    });

    it('answers a repeated requestId from the stored response, and refuses it for another payload', async () => {
      const { state } = create({ perMinute: 100, maxInFlight: 4 });
      await answer(state, request('r1'), response('r1', { data: [] }));
      const again = await state.admit(request('r1'));
      expect(again).toEqual({ status: 'done', response: response('r1', { data: [] }) });
      expect((await state.admit(request('r1', { fingerprint: 'other' }))).status).toBe('mismatch');
      // Another user's r1 is a different request.
      expect((await state.admit(request('r1', { userId: 'v' }))).status).toBe('admitted');
    });

    it('lets a retry wait for the attempt in flight and hear its response', async () => {
      const { state } = create({ perMinute: 100, maxInFlight: 4 });
      const first = await admitted(state, request('r1'));
      const retry = await state.admit(request('r1'));
      if (retry.status !== 'pending') throw new Error(`expected pending, got ${retry.status}`);
      await state.complete({ userId: 'u', requestId: 'r1', keyed: true, fingerprint: 'fp-r1', ticket: first.ticket, response: response('r1'), entry: { requestId: 'r1', kind: 'prompt', input: 'x', at: new Date().toISOString() } });
      await expect(retry.wait).resolves.toEqual(response('r1'));
    });

    it('refuses past the rate with RATE_LIMITED and the wait, claiming nothing', async () => {
      const { state } = create({ perMinute: 3, maxInFlight: 10 });
      for (const id of ['r1', 'r2', 'r3']) await answer(state, request(id));
      const refused = await state.admit(request('r4'));
      if (refused.status !== 'refused') throw new Error(`expected refused, got ${refused.status}`);
      expect(refused.error.code).toBe('RATE_LIMITED');
      expect(refused.error.message).toMatch(/retry in \d+ s/);
      expect(refused.error.details?.retryAfterMs).toBeGreaterThan(0);
      // Not claimed: the same requestId is refused again, not answered as pending or done.
      const again = await state.admit(request('r4'));
      expect(again.status === 'refused' && again.error.code).toBe('RATE_LIMITED');
    });

    it('caps requests in flight per user; completing one frees its slot; a refused keyed request leaves no claim', async () => {
      const { state } = create({ perMinute: 100, maxInFlight: 2 });
      const a = await admitted(state, request('a'));
      await admitted(state, request('b'));
      const busy = await state.admit(request('c'));
      expect(busy.status === 'refused' && busy.error.code).toBe('BUSY');
      expect((await state.admit(request('x', { userId: 'v' }))).status).toBe('admitted');
      await state.complete({ userId: 'u', requestId: 'a', keyed: true, fingerprint: 'fp-a', ticket: a.ticket, response: response('a'), entry: { requestId: 'a', kind: 'tool', input: 't', at: new Date().toISOString() } });
      expect((await state.admit(request('c'))).status).toBe('admitted');
    });
  });
}

describeRequestState('memory', (limits) => {
  const mailbox = new MemoryMailbox({ ttlMs: 60_000, maxPerUser: 100 });
  const history = new MemoryHistoryStore(100);
  const state = createMemoryRequestState({ mailbox, history, idempotency: new MemoryIdempotencyStore(60_000), limiter: createPromptLimiter(limits) });
  return { state, mailbox, history };
});

function redisSubject(client: Redis, prefix: string, limits: Limits, extra: Partial<Parameters<typeof createRedisRequestState>[1]> = {}): Subject {
  return {
    state: createRedisRequestState(client, { prefix, pollIntervalMs: 10, ...limits, ...extra }),
    mailbox: new RedisMailbox(client, { prefix }),
    history: new RedisHistoryStore(client, { prefix }),
  };
}
describeRequestState('redis', (limits) => redisSubject(redis, `${runPrefix}${++scope}:`, limits));

describe('RedisRequestState specifics', () => {
  it('keeps every key of a user under one hash tag (one Redis Cluster slot), with expiries', async () => {
    const prefix = `${runPrefix}${++scope}:`;
    const { state } = redisSubject(redis, prefix, { perMinute: 100, maxInFlight: 4 });
    await answer(state, request('r1', { userId: 'ana{x}:1' }));
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    const tag = `{${encodeURIComponent('ana{x}:1')}}`;
    expect(keys.sort()).toEqual([`ws:history:${tag}`, `ws:limits:${tag}`, `ws:mailbox:${tag}`, `ws:request:${tag}:r1`].map((k) => prefix + k).sort());
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('two nodes share claims and limits: a retry on the other node waits, then hears the response; limits count both', async () => {
    const prefix = `${runPrefix}${++scope}:`;
    const nodeA = redisSubject(redis, prefix, { perMinute: 3, maxInFlight: 4 });
    const nodeB = redisSubject(redis2, prefix, { perMinute: 3, maxInFlight: 4 });
    const first = await admitted(nodeA.state, request('r1'));
    const retry = await nodeB.state.admit(request('r1'));
    if (retry.status !== 'pending') throw new Error(`expected pending, got ${retry.status}`);
    await nodeA.state.complete({ userId: 'u', requestId: 'r1', keyed: true, fingerprint: 'fp-r1', ticket: first.ticket, response: response('r1'), entry: { requestId: 'r1', kind: 'tool', input: 't', at: new Date().toISOString() } });
    await expect(retry.wait).resolves.toEqual(response('r1'));
    await answer(nodeB.state, request('r2'));
    await answer(nodeA.state, request('r3'));
    const refused = await nodeB.state.admit(request('r4'));
    expect(refused.status === 'refused' && refused.error.code).toBe('RATE_LIMITED');
  });

  it('a claim whose node died (its lease ran out) lets the waiting retry take over', async () => {
    const prefix = `${runPrefix}${++scope}:`;
    const nodeA = redisSubject(redis, prefix, { perMinute: 100, maxInFlight: 4 }, { pendingTtlSeconds: 0.2 });
    const nodeB = redisSubject(redis2, prefix, { perMinute: 100, maxInFlight: 4 }, { pendingTtlSeconds: 0.2 });
    await admitted(nodeA.state, request('r1')); // node A "dies": no keepAlive, no completion
    const retry = await nodeB.state.admit(request('r1'));
    if (retry.status !== 'pending') throw new Error(`expected pending, got ${retry.status}`);
    await expect(retry.wait).rejects.toBeInstanceOf(PendingAbandoned);
    expect((await nodeB.state.admit(request('r1'))).status).toBe('admitted');
  });

  it('falls back to this node\'s own limits while Redis is unreachable, and frees the slot even when completion fails', async () => {
    const [port] = await freePorts(1);
    const down = connect(`redis://127.0.0.1:${port}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await down.connect().catch(() => {});
    const errors: unknown[] = [];
    const state = createRedisRequestState(down, { prefix: `${runPrefix}${++scope}:`, perMinute: 3, maxInFlight: 1, onRedisError: (err) => errors.push(err) });
    const first = await admitted(state, request('r1'));
    expect(first.ticket.counted).toBe(false);
    const busy = await state.admit(request('r2'));
    expect(busy.status === 'refused' && busy.error.code).toBe('BUSY');
    await expect(state.complete({ userId: 'u', requestId: 'r1', keyed: true, fingerprint: 'fp-r1', ticket: first.ticket, response: response('r1'), entry: { requestId: 'r1', kind: 'tool', input: 't', at: new Date().toISOString() } })).rejects.toThrow();
    expect((await state.admit(request('r2'))).status).toBe('admitted');
    expect(errors.length).toBeGreaterThanOrEqual(3);
  });
});

describe('RedisRequestState command budget (a private redis-server, INFO commandstats and MONITOR)', () => {
  let server: ChildProcess | undefined;
  let client: Redis;
  let monitor: Redis;
  let port: number;
  beforeAll(async () => {
    [port] = (await freePorts(1)) as [number];
    server = await startRedisServer(port);
    client = connect(`redis://127.0.0.1:${port}`);
    monitor = connect(`redis://127.0.0.1:${port}`);
    await client.ping();
  });
  afterAll(async () => {
    if (server) await killRedisServer(server);
  });

  it('a keyed request that confirms earlier responses costs 2 round trips and at most 12 Redis commands', async () => {
    const { state } = redisSubject(client, 'b:', { perMinute: 1_000, maxInFlight: 4 });
    // Warm up: the scripts are loaded (EVALSHA from then on) and the rate window is open.
    for (let i = 0; i < 3; i++) await answer(state, request(`warm-${i}`));
    const lines: string[] = [];
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[], source: string) => lines.push(`${source} ${args[0]?.toUpperCase() ?? ''}`));
    await client.config('RESETSTAT');
    const rounds = 20;
    for (let i = 0; i < rounds; i++) await answer(state, request(`r${i}`, { received: [`warm-${i % 3}`, i > 0 ? `r${i - 1}` : 'none'] }));
    const stats = (await client.info('commandstats')).split('\n').filter((line) => line.startsWith('cmdstat_') && !line.startsWith('cmdstat_config') && !line.startsWith('cmdstat_info') && !line.startsWith('cmdstat_monitor'));
    const calls = stats.reduce((sum, line) => sum + Number(/calls=(\d+)/.exec(line)?.[1] ?? 0), 0);
    await sleep(100);
    feed.disconnect();
    const topLevel = lines.filter((line) => !line.includes('lua') && !line.endsWith(' CONFIG') && !line.endsWith(' INFO')).length;
    expect(topLevel / rounds).toBe(2);
    expect(calls / rounds).toBeLessThanOrEqual(12);
  });
});

describe('RedisRequestState with REDIS_WAIT_REPLICAS (a private primary and replica)', () => {
  const servers: ChildProcess[] = [];
  let primary: Redis;
  let replicaPort: number;
  beforeAll(async () => {
    const [primaryPort, secondPort] = (await freePorts(2)) as [number, number];
    replicaPort = secondPort;
    servers.push(await startRedisServer(primaryPort));
    servers.push(await startRedisServer(replicaPort, { args: ['--replicaof', '127.0.0.1', String(primaryPort)] }));
    primary = connect(`redis://127.0.0.1:${primaryPort}`);
    const replica = connect(`redis://127.0.0.1:${replicaPort}`);
    for (let i = 0; i < 100 && !(await replica.info('replication')).includes('master_link_status:up'); i++) await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(async () => {
    for (const server of servers) await killRedisServer(server);
  });

  it('a completion resolves once a replica has it, in the same round trip; with none in time it is answered anyway and the lag reported', async () => {
    const lags: number[] = [];
    const state = createRedisRequestState(primary, { prefix: 'w:', perMinute: 100, maxInFlight: 4, waitReplicas: 1, replicaWaitTimeoutMs: 2_000, onReplicaLag: (n) => lags.push(n) });
    await answer(state, request('r1'));
    const replica = connect(`redis://127.0.0.1:${replicaPort}`);
    // WAIT returned only after the replica had the record: it is there the moment the completion resolved.
    expect(await replica.get('w:ws:request:{u}:r1')).toContain('"state":"done"');
    expect(lags).toEqual([]);

    const lone = createRedisRequestState(redis, { prefix: `${runPrefix}${++scope}:`, perMinute: 100, maxInFlight: 4, waitReplicas: 1, replicaWaitTimeoutMs: 50, onReplicaLag: (n) => lags.push(n) });
    await answer(lone, request('r2'));
    expect(lags).toEqual([0]);
  });
});
