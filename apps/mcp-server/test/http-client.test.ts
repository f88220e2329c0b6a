// The LeadLovers HTTP client against the fake API: token and Accept on every request, LeadLovers errors detected
// even with HTTP 200, retries with backoff (Retry-After honoured) for idempotent requests only, timeouts, and no
// token in any error message.
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RATE_LIMITED_MESSAGE } from '../src/backend/http/api-errors.js';
import { createLeadLoversClient, type LeadLoversClientOptions } from '../src/backend/http/client.js';
import { parseRetryAfter, upstreamBackoff, UpstreamFailure } from '../src/backend/http/retry.js';
import { ToolError } from '../src/errors.js';
import { startFakeLeadLovers, type FakeLeadLovers } from './fake-leadlovers.js';

const TOKEN = 'tok-secret-123';
const machines = z.looseObject({ Items: z.array(z.unknown()) });
let fake: FakeLeadLovers;

beforeAll(async () => {
  fake = await startFakeLeadLovers();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function client(options: Partial<LeadLoversClientOptions> = {}) {
  return createLeadLoversClient({ baseUrl: fake.url, timeoutMs: 2_000, maxAttempts: 3, retryBaseMs: 5, ...options });
}
const getMachines = (c = client()) => c.request(TOKEN, { method: 'GET', path: '/Machines', query: { page: 1, registers: 10 }, schema: machines });
const postLead = (c = client()) =>
  c.request(TOKEN, {
    method: 'POST',
    path: '/Lead',
    body: { Email: 'new@example.com', MachineCode: 101, EmailSequenceCode: 201, SequenceLevelCode: 1 },
    schema: z.unknown(),
  });

async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  const error = err as ToolError;
  expect(error.message).not.toContain(TOKEN);
  expect(error.message).not.toContain('token=');
  return error;
}

describe('LeadLovers HTTP client', () => {
  it('sends the token as the token query parameter and asks for JSON', async () => {
    const answer = await getMachines();
    expect(answer.Items.length).toBe(2);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/Machines', token: TOKEN, accept: 'application/json', query: { page: '1', registers: '10' } });
  });

  it('detects { StatusCode, Message } sent with HTTP 200 and keeps the Portuguese message', async () => {
    fake.fail({ kind: 'error-with-200', statusCode: 400, message: 'Email inválido' });
    const error = await toolError(postLead());
    expect(error.code).toBe('INVALID_ARGUMENTS');
    expect(error.message).toContain('Email inválido');
  });

  it.each([
    [401, 'FORBIDDEN', /token do LeadLovers recusado/],
    [403, 'FORBIDDEN', /token do LeadLovers recusado/],
    [404, 'NOT_FOUND', /Não existe/],
    [409, 'CONFLICT', /Não existe/],
    [422, 'INVALID_ARGUMENTS', /Não existe/],
  ])('maps HTTP %i to %s', async (status, code, message) => {
    fake.fail({ kind: 'status', status, message: 'Não existe' });
    const error = await toolError(getMachines());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(fake.requests).toHaveLength(1);
  });

  it('maps an unknown token to FORBIDDEN without echoing it', async () => {
    const c = client();
    const error = await toolError(c.request('bad-token-xyz', { method: 'GET', path: '/Machines', schema: machines }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).not.toContain('bad-token-xyz');
  });

  it('retries a 429 after the Retry-After seconds, then succeeds', async () => {
    fake.fail({ kind: 'status', status: 429, retryAfter: '1', message: 'Muitas requisições' });
    const started = Date.now();
    const answer = await getMachines();
    expect(answer.Items.length).toBe(2);
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up on 429 after the configured attempts with a rate-limit BACKEND_ERROR', async () => {
    fake.fail({ kind: 'status', status: 429, retryAfter: '0', message: 'Muitas requisições' }, 3);
    const error = await toolError(getMachines());
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toContain(RATE_LIMITED_MESSAGE);
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a 500 for GET and succeeds on the next attempt', async () => {
    fake.fail({ kind: 'status', status: 500 }, 2);
    const answer = await getMachines();
    expect(answer.Items.length).toBe(2);
    expect(fake.requests).toHaveLength(3);
  });

  it('treats a 5xx reported inside an HTTP 200 body like a 5xx', async () => {
    fake.fail({ kind: 'error-with-200', statusCode: 503, message: 'Serviço indisponível' });
    await getMachines();
    expect(fake.requests).toHaveLength(2);
  });

  it('never retries POST /Lead: one request, BACKEND_ERROR', async () => {
    fake.fail({ kind: 'status', status: 500 }, 3);
    const error = await toolError(postLead());
    expect(error.code).toBe('BACKEND_ERROR');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.method).toBe('POST');
    fake.reset();
    fake.fail({ kind: 'status', status: 429, retryAfter: '0' }, 3);
    expect((await toolError(postLead())).message).toContain(RATE_LIMITED_MESSAGE);
    expect(fake.requests).toHaveLength(1);
  });

  it('never retries PATCH', async () => {
    fake.fail({ kind: 'status', status: 502 });
    const c = client();
    await toolError(c.request(TOKEN, { method: 'PATCH', path: '/Lead', body: { Email: 'ana@example.com', Name: 'Ana' }, schema: z.unknown() }));
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a slow answer as BACKEND_ERROR, retrying idempotent requests', async () => {
    fake.fail({ kind: 'slow', delayMs: 600 });
    const error = await toolError(getMachines(client({ timeoutMs: 150, maxAttempts: 1 })));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toMatch(/did not answer in time/);

    fake.requests.length = 0;
    fake.fail({ kind: 'slow', delayMs: 600 });
    const answer = await getMachines(client({ timeoutMs: 300, maxAttempts: 2 }));
    expect(answer.Items.length).toBe(2);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports an unreachable API as BACKEND_ERROR without the URL', async () => {
    // A port that was just free: connection refused.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const c = createLeadLoversClient({ baseUrl: `http://127.0.0.1:${port}/webapi`, timeoutMs: 1_000, maxAttempts: 2, retryBaseMs: 1 });
    const error = await toolError(c.request(TOKEN, { method: 'GET', path: '/Machines', schema: machines }));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).not.toContain('127.0.0.1');
    expect(error.message).not.toContain(String(port));
    expect(error.message).toContain('ECONNREFUSED');
    expect(fake.requests).toHaveLength(0);
  });

  it('fails an answer in an unexpected shape as BACKEND_ERROR', async () => {
    const c = client();
    const error = await toolError(c.request(TOKEN, { method: 'GET', path: '/Machines', schema: z.looseObject({ Data: z.array(z.unknown()) }) }));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toMatch(/unexpected shape/);
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });

  it('honours Retry-After up to the cap, and otherwise backs off exponentially with jitter up to the cap', () => {
    const backoff = upstreamBackoff({ baseMs: 100, capMs: 1_000 });
    const signal = new AbortController().signal;
    const failed = (retryAfterMs?: number) => ({ error: new UpstreamFailure(new ToolError('BACKEND_ERROR', 'x'), retryAfterMs) });
    expect(backoff.next({ attempt: 1, signal, result: failed(60_000) }).duration).toBe(1_000);
    expect(backoff.next({ attempt: 1, signal, result: failed(250) }).duration).toBe(250);
    let step = backoff.next({ attempt: 1, signal, result: failed() });
    const durations = [step.duration];
    for (let attempt = 2; attempt <= 12; attempt++) {
      step = step.next({ attempt, signal, result: failed() });
      durations.push(step.duration);
    }
    expect(durations.every((d) => d >= 0 && d <= 1_000)).toBe(true);
    // Grows towards the cap: the late waits are longer than the first.
    expect(Math.max(...durations.slice(-4))).toBeGreaterThan(durations[0] ?? 0);
  });
});
