// The LeadLovers HTTP client when the API misbehaves, against the fake API: a cancelled call stops its request in
// flight and sends no retry (also through the real stdio MCP server, where notifications/cancelled is what
// cancels it), and each account's circuit breaker opens on a 5xx storm, an API that is down or one that is too
// slow, fails that account's calls fast with UPSTREAM_UNAVAILABLE (nothing sent, other accounts unaffected), and
// closes again once a probe succeeds. Answers (4xx) and cancellations never open it.
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CANCELLED_MESSAGE, UNAVAILABLE_MESSAGE } from '../src/backend/http/api-errors.js';
import { createLeadLoversClient, type CallScope, type LeadLoversClientOptions } from '../src/backend/http/client.js';
import { ToolError } from '../src/errors.js';
import { demoAccount, startFakeLeadLovers, type FakeLeadLovers } from './fake-leadlovers.js';
import { CALLER_META_KEY } from '@leadlovers/tools';
import { codeReader, eventually, sleep } from '@leadlovers/testing';
import { caller, failure, makeTempDir, ok, startServer, type RunningServer } from './helpers.js';

const TOKEN = 'tok-resilience';
const OTHER = 'tok-other-account';
const machines = z.looseObject({ Items: z.array(z.unknown()) });
let fake: FakeLeadLovers;

beforeAll(async () => {
  fake = await startFakeLeadLovers();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function client(options: Partial<LeadLoversClientOptions> = {}) {
  return createLeadLoversClient({ baseUrl: fake.url, timeoutMs: 5_000, maxAttempts: 3, retryBaseMs: 1, retryCapMs: 5, ...options });
}
const get = (c: ReturnType<typeof client>, scope: CallScope = { account: 'acme' }, token = TOKEN) =>
  c.request(token, { method: 'GET', path: '/Machines', query: { page: 1 }, schema: machines }, scope);
const codeOf = codeReader(ToolError);

describe('cancellation', () => {
  it('stops the request in flight and sends no retry', async () => {
    fake.fail({ kind: 'slow', delayMs: 10_000 }, 3);
    const controller = new AbortController();
    const call = get(client(), { account: 'acme', signal: controller.signal });
    await eventually(() => fake.requests.length === 1);
    controller.abort();
    await expect(call).rejects.toThrow(CANCELLED_MESSAGE);
    // The connection itself was cut, not left to the 5 s timeout.
    await eventually(() => fake.abandoned.length === 1);
    fake.reset();
    // A control request: it is the only one the fake sees after the cancellation.
    await get(client());
    expect(fake.requests.map((r) => r.path)).toEqual(['/Machines']);
  });

  it('cancelled during the wait between retries: the wait ends without another request', async () => {
    // Retry-After makes the wait exactly 400 ms; the cancellation comes during it.
    fake.fail({ kind: 'status', status: 503, retryAfter: '0.4' }, 3);
    const controller = new AbortController();
    const call = get(client({ retryCapMs: 10_000 }), { account: 'acme', signal: controller.signal });
    await eventually(() => fake.requests.length === 1);
    controller.abort();
    await expect(call).rejects.toThrow(CANCELLED_MESSAGE);
    // Nothing more happens once the wait is over (a pause on purpose: past the 400 ms, no second request).
    await sleep(800);
    expect(fake.requests).toHaveLength(1);
  });

  it('an already cancelled call sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(get(client(), { account: 'acme', signal: controller.signal })).rejects.toThrow(CANCELLED_MESSAGE);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('circuit breaker per account', () => {
  it('5xx storm: opens after the failures, fails fast sending nothing, other accounts go on, a probe closes it', async () => {
    const c = client({ maxAttempts: 2, breakerFailures: 3, breakerCooldownMs: 2_000 });
    fake.fail({ kind: 'status', status: 500 }, 1_000);
    for (let i = 0; i < 3; i++) expect(await codeOf(get(c))).toBe('BACKEND_ERROR');
    expect(fake.requests).toHaveLength(6); // each call with its retry
    const fast = await get(c).catch((err: unknown) => err as ToolError);
    expect(fast).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: UNAVAILABLE_MESSAGE });
    expect(fake.requests).toHaveLength(6);

    // Recovery. Another account has its own circuit: served at once.
    fake.reset();
    expect(await codeOf(get(c, { account: 'globex' }, OTHER))).toBe('OK');
    expect(await codeOf(get(c))).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.requests).toHaveLength(1);
    // Once the cooldown has passed, one probe goes through; it succeeds and the circuit is closed again.
    await eventually(async () => (await codeOf(get(c))) === 'OK', 200, 50);
    expect(fake.requests).toHaveLength(2);
    for (let i = 0; i < 3; i++) expect(await codeOf(get(c))).toBe('OK');
    expect(fake.requests).toHaveLength(5);
  });

  it('a probe that fails opens the circuit again at once', async () => {
    const c = client({ maxAttempts: 1, breakerFailures: 2, breakerCooldownMs: 300 });
    fake.fail({ kind: 'status', status: 502 }, 2);
    expect(await codeOf(get(c))).toBe('BACKEND_ERROR');
    expect(await codeOf(get(c))).toBe('BACKEND_ERROR');
    fake.fail({ kind: 'status', status: 503 }, 1);
    // Polls until the probe is let through (BACKEND_ERROR: it was sent and failed) ...
    await eventually(async () => (await codeOf(get(c))) === 'BACKEND_ERROR', 200, 25);
    const sent = fake.requests.length;
    // ... then the circuit is open again: failing fast, nothing sent.
    expect(await codeOf(get(c))).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.requests).toHaveLength(sent);
  });

  it('an API that is down opens it; so does one that is too slow', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const down = createLeadLoversClient({ baseUrl: `http://127.0.0.1:${port}/webapi`, timeoutMs: 1_000, maxAttempts: 2, retryBaseMs: 1, retryCapMs: 5, breakerFailures: 2 });
    expect(await codeOf(get(down))).toBe('BACKEND_ERROR');
    expect(await codeOf(get(down))).toBe('BACKEND_ERROR');
    expect(await codeOf(get(down))).toBe('UPSTREAM_UNAVAILABLE');

    const slow = client({ timeoutMs: 150, maxAttempts: 1, breakerFailures: 2 });
    fake.fail({ kind: 'slow', delayMs: 1_000 }, 2);
    expect(await codeOf(get(slow))).toBe('BACKEND_ERROR');
    expect(await codeOf(get(slow))).toBe('BACKEND_ERROR');
    expect(await codeOf(get(slow))).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.requests).toHaveLength(2);
  });

  it('answers (4xx) and cancellations never open it', async () => {
    const c = client({ maxAttempts: 1, breakerFailures: 2 });
    fake.fail({ kind: 'status', status: 404, message: 'Não existe' }, 4);
    for (let i = 0; i < 4; i++) expect(await codeOf(get(c))).toBe('NOT_FOUND');
    fake.fail({ kind: 'slow', delayMs: 10_000 }, 3);
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const call = get(c, { account: 'acme', signal: controller.signal });
      await eventually(() => fake.requests.length === 5 + i);
      controller.abort();
      expect(await codeOf(call)).toBe('BACKEND_ERROR');
    }
    expect(await codeOf(get(c))).toBe('OK');
  });

  it('POST is never retried, but its upstream failures count', async () => {
    const c = client({ breakerFailures: 2 });
    fake.fail({ kind: 'status', status: 500 }, 2);
    const post = () => c.request(TOKEN, { method: 'POST', path: '/Lead', body: { Email: 'a@b.test', MachineCode: 101, EmailSequenceCode: 201, SequenceLevelCode: 1 }, schema: z.unknown() }, { account: 'acme' });
    expect(await codeOf(post())).toBe('BACKEND_ERROR');
    expect(await codeOf(post())).toBe('BACKEND_ERROR');
    expect(fake.requests).toHaveLength(2);
    expect(await codeOf(post())).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.requests).toHaveLength(2);
  });
});

describe('through the stdio MCP server', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  const acme = caller('acme');

  beforeAll(async () => {
    fake.account('tok-mcp-acme', demoAccount());
    fake.account('tok-mcp-globex', demoAccount());
    server = await startServer({
      dbPath: path.join(temp.dir, 'unused.sqlite'),
      env: {
        LEADLOVERS_API_URL: fake.url,
        LEADLOVERS_ACCOUNT_TOKENS: JSON.stringify({ acme: 'tok-mcp-acme', globex: 'tok-mcp-globex' }),
        LEADLOVERS_TIMEOUT_MS: '20000',
        LEADLOVERS_MAX_ATTEMPTS: '2',
        LEADLOVERS_BREAKER_FAILURES: '2',
        LEADLOVERS_BREAKER_COOLDOWN_MS: '60000',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('notifications/cancelled reaches the HTTP client: the slow request is cut, no retry follows', async () => {
    fake.fail({ kind: 'slow', delayMs: 15_000 }, 2);
    const controller = new AbortController();
    const call = server.client.request(
      { method: 'tools/call', params: { name: 'get_machines', arguments: {}, _meta: { [CALLER_META_KEY]: acme } } },
      z.unknown() as never,
      { signal: controller.signal },
    );
    await eventually(() => fake.requests.length === 1);
    controller.abort();
    await expect(call).rejects.toThrow();
    await eventually(() => fake.abandoned.length === 1);
    fake.reset();
    // The control call is the only request after the cancellation: the slow one was not retried.
    expect(ok(await server.call('get_machines', {}, acme))).toHaveProperty('machines');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 5xx storm opens the account\'s circuit: UPSTREAM_UNAVAILABLE as the tool error, the other account served', async () => {
    fake.fail({ kind: 'status', status: 503 }, 4);
    expect(failure(await server.call('get_machines', {}, acme)).code).toBe('BACKEND_ERROR');
    expect(failure(await server.call('get_machines', {}, acme)).code).toBe('BACKEND_ERROR');
    expect(fake.requests).toHaveLength(4);
    expect(failure(await server.call('get_machines', {}, acme))).toEqual({ code: 'UPSTREAM_UNAVAILABLE', message: UNAVAILABLE_MESSAGE });
    expect(fake.requests).toHaveLength(4);
    expect(ok(await server.call('get_machines', {}, caller('globex')))).toHaveProperty('machines');
  });
});
