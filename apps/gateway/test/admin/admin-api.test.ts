// The admin HTTP API on one node (in memory): the bearer token (missing, wrong, counted), the routes off without
// ADMIN_TOKEN and absent from the public port, each route's effect on real sockets, and refused bodies with codes.
import type { PresenceUser, ServerDraining, SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { admin, ADMIN_ENV, ADMIN_TOKEN, adminUrl } from '../helpers/admin.js';
import { collect, nextEvent, startGateway, type TestGateway } from '../helpers/gateway.js';
import { valueOf } from '../helpers/metrics.js';
import { eventually } from '@leadlovers/testing';

type ErrorBody = { code: string; message: string };

async function adminMetrics(gw: TestGateway): Promise<string> {
  return (await fetch(`${adminUrl(gw)}/metrics`)).text();
}

describe('admin API: access', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ ...ADMIN_ENV });
  });
  afterAll(() => gw.close());

  it('refuses a missing token with 401 UNAUTHORIZED and counts it', async () => {
    const before = valueOf(await adminMetrics(gw), 'gateway_admin_auth_failures_total', { reason: 'missing' });
    const res = await admin<ErrorBody>(gw, '/admin/info', { token: null });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(valueOf(await adminMetrics(gw), 'gateway_admin_auth_failures_total', { reason: 'missing' })).toBe(before + 1);
  });

  it('refuses wrong tokens (same length, other length, another scheme) with 401 and counts each', async () => {
    const before = valueOf(await adminMetrics(gw), 'gateway_admin_auth_failures_total', { reason: 'wrong' });
    const sameLength = ADMIN_TOKEN.slice(0, -1) + (ADMIN_TOKEN.endsWith('x') ? 'y' : 'x');
    for (const call of [{ token: sameLength }, { token: 'short' }, { authorization: `Basic ${ADMIN_TOKEN}` }, { authorization: ADMIN_TOKEN }]) {
      const res = await admin<ErrorBody>(gw, '/admin/disconnect', { ...call, body: { userId: 'nobody' } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    }
    expect(valueOf(await adminMetrics(gw), 'gateway_admin_auth_failures_total', { reason: 'wrong' })).toBe(before + 4);
  });

  it('answers 401 before revealing which paths exist', async () => {
    const res = await admin<ErrorBody>(gw, '/admin/no-such-route', { token: 'wrong-token' });
    expect(res.status).toBe(401);
  });

  it('answers unknown routes with 404 NOT_FOUND and a wrong method with 405 and Allow', async () => {
    const missing = await admin<ErrorBody>(gw, '/admin/no-such-route');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    const wrongMethod = await admin<ErrorBody>(gw, '/admin/disconnect');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('is not served on the public port', async () => {
    const res = await fetch(`${gw.url}/admin/info`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(gw.deps.config.nodeId);
  });

  it('counts answered requests by route and status', async () => {
    const before = valueOf(await adminMetrics(gw), 'gateway_admin_requests_total', { route: '/admin/info', status: '200' });
    expect((await admin(gw, '/admin/info')).status).toBe(200);
    expect(valueOf(await adminMetrics(gw), 'gateway_admin_requests_total', { route: '/admin/info', status: '200' })).toBe(before + 1);
  });
});

describe('admin API: off without ADMIN_TOKEN', () => {
  it('answers every admin path with 404 NOT_FOUND, whatever the token', async () => {
    const gw = await startGateway({ METRICS_PORT: '0' });
    try {
      for (const path of ['/admin/info', '/admin/disconnect']) {
        const res = await admin<ErrorBody>(gw, path, { method: 'GET' });
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
      }
      expect((await fetch(`${adminUrl(gw)}/metrics`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('config refuses ADMIN_TOKEN without METRICS_PORT, and a short one', () => {
    expect(() => loadConfig({ ADMIN_TOKEN })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_TOKEN })).toThrow(/ADMIN_TOKEN: .*METRICS_PORT/);
    expect(() => loadConfig({ METRICS_PORT: '9100', ADMIN_TOKEN: 'too-short' })).toThrow(/ADMIN_TOKEN: must be at least 32 characters/);
    expect(() => loadConfig({ METRICS_PORT: '9100', ADMIN_TOKEN: 'too-short' })).not.toThrow(/too-short/);
    expect(loadConfig({ METRICS_PORT: '9100', ADMIN_TOKEN }).admin).toEqual({ token: ADMIN_TOKEN, maxBodyBytes: 65_536 });
  });
});

describe('admin API: routes on one node', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ ...ADMIN_ENV, ADMIN_MAX_BODY_BYTES: '1024' });
  });
  afterAll(() => gw.close());

  it('GET /admin/info: node, version, sockets, pool and Redis state', async () => {
    const socket = await gw.connect('info-user');
    const res = await admin(gw, '/admin/info');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      node: gw.deps.config.nodeId,
      version: '0.1.0',
      draining: false,
      redis: { mode: 'memory', ready: null },
      pool: { workers: 1, readyWorkers: 1 },
    });
    expect(res.body.sockets).toBeGreaterThanOrEqual(1);
    socket.disconnect();
  });

  it('POST /admin/disconnect: the user gets session-replaced (admin), then is disconnected; others stay', async () => {
    const target = await gw.connect('kick-me');
    const bystander = await gw.connect('stay-on');
    const replaced = nextEvent<SessionReplaced>(target, 'session-replaced');
    const gone = nextEvent<string>(target, 'disconnect');
    const res = await admin(gw, '/admin/disconnect', { body: { userId: 'kick-me', reason: 'password changed' } });
    expect(res).toMatchObject({ status: 200, body: { userId: 'kick-me', disconnected: true } });
    expect((await replaced).reason).toBe('admin');
    expect(await gone).toBe('io server disconnect');
    expect(bystander.connected).toBe(true);
    await eventually(() => gw.logs.some((line) => line.msg === 'admin: user disconnected cluster-wide' && line.reason === 'password changed'));
  });

  it('GET /admin/presence: the account\'s users; other accounts\' are not listed', async () => {
    const a = await gw.connect('p-alice', { account: 'acct-p', name: 'Alice' });
    const b = await gw.connect('p-bob', { account: 'acct-p' });
    const other = await gw.connect('p-eve', { account: 'acct-other' });
    const res = await admin<{ account: string; users: PresenceUser[] }>(gw, '/admin/presence?account=acct-p');
    expect(res.status).toBe(200);
    expect(res.body.account).toBe('acct-p');
    expect(res.body.users.map((user) => user.userId)).toEqual(['p-alice', 'p-bob']);
    expect(res.body.users[0]).toMatchObject({ name: 'Alice' });
    for (const socket of [a, b, other]) socket.disconnect();
  });

  it('POST /admin/notify: an account\'s sockets and a user\'s sockets get the event and its data', async () => {
    const a = await gw.connect('n-alice', { account: 'acct-n' });
    const b = await gw.connect('n-bob', { account: 'acct-n' });
    const other = await gw.connect('n-eve', { account: 'acct-m' });
    const seenByOther = collect(other, 'maintenance');
    const toA = nextEvent<unknown>(a, 'maintenance');
    const toB = nextEvent<unknown>(b, 'maintenance');
    const res = await admin(gw, '/admin/notify', { body: { account: 'acct-n', event: 'maintenance', data: { at: '22:00', minutes: 5 } } });
    expect(res).toMatchObject({ status: 202, body: { account: 'acct-n', event: 'maintenance', sent: true } });
    expect(await toA).toEqual({ at: '22:00', minutes: 5 });
    expect(await toB).toEqual({ at: '22:00', minutes: 5 });

    const onlyBob = nextEvent<unknown>(b, 'note');
    const seenByAlice = collect(a, 'note');
    expect((await admin(gw, '/admin/notify', { body: { userId: 'n-bob', event: 'note', data: 'hello' } })).status).toBe(202);
    expect(await onlyBob).toBe('hello');
    // The account push above reached a and b; had it reached `other`, it would have been before this later one.
    const lastToOther = nextEvent<unknown>(other, 'note');
    expect((await admin(gw, '/admin/notify', { body: { userId: 'n-eve', event: 'note', data: 'for eve' } })).status).toBe(202);
    expect(await lastToOther).toBe('for eve');
    expect(seenByOther).toEqual([]);
    expect(seenByAlice).toEqual([]);
    for (const socket of [a, b, other]) socket.disconnect();
  });

  it('POST /admin/notify lead-created: checked against the protocol schema', async () => {
    const socket = await gw.connect('lead-user', { account: 'acct-l' });
    const lead = { account: 'acct-l', lead: { id: '1', email: 'a@b.c', dynamicFields: [] }, receivedAt: new Date().toISOString() };
    const got = nextEvent<unknown>(socket, 'lead-created');
    expect((await admin(gw, '/admin/notify', { body: { account: 'acct-l', event: 'lead-created', data: lead } })).status).toBe(202);
    expect(await got).toEqual(lead);
    const bad = await admin<ErrorBody>(gw, '/admin/notify', { body: { account: 'acct-l', event: 'lead-created', data: { account: 'acct-l' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_PAYLOAD');
    expect(bad.body.message).toMatch(/data\.lead/);
    socket.disconnect();
  });

  it.each([
    ['/admin/disconnect', {}, /userId/],
    ['/admin/disconnect', { userId: '' }, /userId/],
    ['/admin/disconnect', { userId: 'u', extra: 1 }, /extra|Unrecognized/i],
    ['/admin/disconnect', { userId: 42 }, /userId/],
    ['/admin/notify', { event: 'x', data: 1 }, /exactly one of account and userId/],
    ['/admin/notify', { account: 'a', userId: 'b', event: 'x', data: 1 }, /exactly one of account and userId/],
    ['/admin/notify', { account: 'a', event: 'session-replaced', data: {} }, /sent by the gateway itself/],
    ['/admin/notify', { account: 'a', event: 'disconnect', data: {} }, /sent by the gateway itself/],
    ['/admin/notify', { account: 'a', event: 'Bad Name', data: {} }, /event/],
    ['/admin/notify', { account: 'a', event: 'x' }, /data/],
    ['/admin/notify', { account: 'a b', event: 'x', data: 1 }, /account/],
    ['/admin/drain', { now: true }, /now|Unrecognized/i],
  ])('POST %s %j: 400 INVALID_PAYLOAD naming the problem', async (path, body, message) => {
    const res = await admin<ErrorBody>(gw, path, { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_PAYLOAD');
    expect(res.body.message).toMatch(message);
  });

  it('refuses JSON that does not parse, and a query without account', async () => {
    const notJson = await admin<ErrorBody>(gw, '/admin/disconnect', { body: '{"userId": ' });
    expect(notJson).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD', message: 'request body is not valid JSON' } });
    const noAccount = await admin<ErrorBody>(gw, '/admin/presence');
    expect(noAccount.status).toBe(400);
    expect(noAccount.body).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(noAccount.body.message).toMatch(/account/);
  });

  it('refuses a body above ADMIN_MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE (declared or streamed)', async () => {
    const big = { userId: 'u', reason: 'x'.repeat(2_000) };
    const declared = await admin<ErrorBody>(gw, '/admin/disconnect', { body: big });
    expect(declared).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    // Chunked, without Content-Length: the bound applies to the bytes as they arrive.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(400)));
        controller.close();
      },
    });
    const res = await fetch(`${adminUrl(gw)}/admin/disconnect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('admin API: drain', () => {
  it('POST /admin/drain: this node turns not-ready, tells its clients, disconnects them; a second call says so', async () => {
    const gw = await startGateway({ ...ADMIN_ENV, DRAIN_BATCH_INTERVAL_MS: '0' });
    try {
      const socket = await gw.connect('drained-user');
      const notice = nextEvent<ServerDraining>(socket, 'server-draining');
      const gone = nextEvent<string>(socket, 'disconnect');
      const res = await admin(gw, '/admin/drain', { method: 'POST' });
      expect(res).toMatchObject({ status: 202, body: { draining: true, alreadyDraining: false, sockets: 1 } });
      expect((await notice).reconnectInMs).toBeGreaterThan(0);
      expect(await gone).toBe('io server disconnect');
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
      expect((await admin(gw, '/admin/info')).body).toMatchObject({ draining: true });
      expect((await admin(gw, '/admin/drain', { body: {} })).body).toMatchObject({ alreadyDraining: true });
      // SIGTERM's drain after an admin drain is the same drain, not a second one.
      expect(await gw.gateway.drain()).toMatchObject({ disconnected: 1 });
    } finally {
      await gw.close();
    }
  });
});
