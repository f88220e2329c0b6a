// Secrets (issue 6, Security 6): JWTs (and their signature part), Authorization headers, the API secret, the
// metrics token, LeadLovers account tokens and LLM keys never appear in logs (MCP child stderr included, which the
// gateway logs), in anything a client receives, in GET /metrics, GET / or the console's static files, or on the
// console of the process; and no client-facing message carries a stack trace. A gateway at LOG_LEVEL debug with
// the LeadLovers REST backend (fake API) and the Anthropic planner (fake LLM) is driven through failures first.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoAccount, startFakeLeadLovers, type FakeLeadLovers } from '../../../mcp-server/test/fake-leadlovers.js';
import { mintToken } from '../../src/auth/mint.js';
import { record } from '../faults/ledger.js';
import { callTool, collect, connected, connectError, sendPrompt, startGateway, TEST_SECRET, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { startFakeLlm, type FakeLlm, type Step } from '../fixtures/fake-llm.js';

const LL_TOKEN = 'tok-LLSECRET-5f0c2a9e7d3b41c8';
const ANTHROPIC_KEY = 'sk-ant-api03-SECRETKEY-3b8e1f6a9c2d4e7f';
const OPENAI_KEY = 'sk-proj-SECRETKEY-a1b2c3d4e5f60718';
const METRICS_TOKEN = 'metrics-SECRET-9e8d7c6b5a493827';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const STACK = /\n\s+at /;

describe('secrets never leak', () => {
  let fake: FakeLeadLovers;
  let llm: FakeLlm;
  let gw: TestGateway;
  /** Every token this test handed to the gateway, good or bad: none may be echoed anywhere. */
  const tokens: string[] = [];
  /** Everything any client received: events, acks, connect errors. */
  const received: unknown[] = [];
  /** What the process printed itself (console.*, stdout, stderr) while the gateway ran. */
  const printed: string[] = [];
  let attacks = 0;

  const watch = (socket: Client): Client => {
    socket.onAny((event: string, ...args: unknown[]) => received.push({ event, args }));
    socket.on('connect_error', (err) => received.push({ message: err.message, data: (err as { data?: unknown }).data }));
    return socket;
  };
  const ask = async (socket: Client, event: string, ...args: unknown[]): Promise<unknown> => {
    const answer = await untyped(socket).timeout(20_000).emitWithAck(event, ...args);
    received.push(answer);
    return answer;
  };
  const join = async (userId: string, account: string): Promise<Client> => {
    const token = await gw.token(userId, { account });
    tokens.push(token);
    const socket = watch(gw.client({ auth: { token } }));
    await connected(socket);
    return socket;
  };

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        printed.push(String(chunk));
        return original(chunk, ...rest);
      }) as typeof stream.write);
    }
    fake = await startFakeLeadLovers();
    fake.account(LL_TOKEN, demoAccount());
    llm = await startFakeLlm();
    gw = await startGateway({
      LOG_LEVEL: 'debug',
      LEADLOVERS_API_URL: fake.url,
      LEADLOVERS_ACCOUNT_TOKENS: JSON.stringify({ acme: LL_TOKEN }),
      LEADLOVERS_TIMEOUT_MS: '3000',
      PLANNER: 'anthropic',
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: llm.anthropicUrl,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: llm.openaiUrl,
      LLM_TIMEOUT_MS: '1500',
      METRICS_TOKEN,
      PROMPT_RATE_PER_MINUTE: '10000',
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await gw?.close();
    await llm?.close();
    await fake?.close();
  });

  it('bad tokens in all three placements are refused with codes, never echoed', async () => {
    const t = Math.floor(Date.now() / 1000);
    const good = await gw.token('placement-user');
    const [gh, gp, gs] = good.split('.') as [string, string, string];
    const bad = [
      await mintToken('not-the-api-secret-0123456789-abcdefghijkl', { userId: 'placement-user' }),
      `${gh}.${b64({ sub: 'admin', exp: t + 3600 })}.${gs}`,
      await mintToken(TEST_SECRET, { userId: 'placement-user', ttlSeconds: -600 }),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin', exp: t + 3600 })}.`,
      `garbage-token-SECRET-${gp.slice(0, 12)}`,
    ];
    tokens.push(good, ...bad);
    for (const token of bad) {
      const placements = [
        gw.client({ auth: { token } }),
        gw.client({ extraHeaders: { authorization: `Bearer ${token}` } }),
        gw.client({ query: { token } }),
        gw.client({ transports: ['polling'], extraHeaders: { authorization: `Bearer ${token}` } }),
      ];
      for (const socket of placements) {
        const err = await connectError(watch(socket));
        expect(['TOKEN_INVALID', 'TOKEN_EXPIRED']).toContain(err.data?.code);
        attacks += 1;
      }
    }
    // The good token in each placement: admitted (the control), and its source logged without the token.
    for (const options of [{ auth: { token: good } }, { extraHeaders: { authorization: `Bearer ${good}` } }, { query: { token: good } }]) {
      const socket = watch(gw.client(options));
      await connected(socket);
      socket.disconnect();
    }
  });

  it('LeadLovers errors (one echoing the account token) and an account without a token', async () => {
    const acme = await join('acme-user', 'acme');
    expect(await callTool(acme, 'get_machines', {})).toMatchObject({ isSuccess: true });
    // The token did reach the (fake) API, so the test is about the right string.
    expect(fake.requests.at(-1)?.token).toBe(LL_TOKEN);
    const faults = [
      { kind: 'status', status: 401, message: `Token ${LL_TOKEN} inválido ou expirado` },
      { kind: 'status', status: 500, message: `Falha interna ao processar ${fake.url}/Leads?token=${LL_TOKEN}` },
      { kind: 'error-with-200', statusCode: 400, message: `Email inválido (token=${LL_TOKEN})` },
      { kind: 'status', status: 429, retryAfter: '0', message: 'Muitas requisições' },
    ] as const;
    for (const fault of faults) {
      fake.reset();
      fake.fail(fault, 10);
      const response = await callTool(acme, 'create_lead', { email: 'segredo@acme.com', machineCode: 101 });
      received.push(response);
      expect(response.isSuccess).toBe(false);
      attacks += 1;
    }
    fake.reset();
    const stranger = await join('globex-user', 'globex');
    expect(await callTool(stranger, 'get_machines', {})).toMatchObject({ isSuccess: false, code: 'FORBIDDEN' });
    attacks += 1;
  });

  it('LLM errors: refused key, server error, rate limit, timeout, garbage; each falls back and says nothing secret', async () => {
    const socket = await join('llm-user', 'acme');
    const failures: Step[][] = [
      [{ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } }],
      // A provider that echoes the key back in its error (as some do, masked or not).
      [{ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `Incorrect API key provided: ${ANTHROPIC_KEY}` } } }],
      [{ status: 500 }, { status: 500 }],
      [{ status: 429, headers: { 'retry-after': '0' } }, { status: 429, headers: { 'retry-after': '0' } }],
      [{ hang: true }, { hang: true }],
      [{ status: 200, body: { not: 'a message' } }, { status: 200, body: { not: 'a message' } }],
    ];
    for (const [i, steps] of failures.entries()) {
      llm.script(steps);
      const response = await sendPrompt(socket, 'Liste todas as máquinas disponíveis', `llm-fail-${i}`);
      received.push(response);
      attacks += 1;
    }
    // create_email_content asks the gateway's LLM through MCP sampling: the same failures on that path.
    for (const steps of failures) {
      llm.script(steps);
      const response = await callTool(socket, 'create_email_content', { topic: 'boas-vindas' });
      received.push(response);
      attacks += 1;
    }
    // The key did reach the (fake) provider, so the test is about the right string.
    expect(llm.requests.some((r) => JSON.stringify(r.headers).includes(ANTHROPIC_KEY))).toBe(true);
  });

  it('invalid payloads, unknown events and refused refreshes', async () => {
    const socket = await join('payload-user', 'acme');
    const otherToken = await gw.token('someone-else', { account: 'acme' });
    tokens.push(otherToken);
    const answers = [
      await ask(socket, 'send-prompt', { prompt: '' }),
      await ask(socket, 'send-prompt', { prompt: 'x', token: otherToken }),
      await ask(socket, 'send-prompt', 'not an object'),
      await ask(socket, 'call-tool', { tool: 'no_such_tool', arguments: {} }),
      await ask(socket, 'call-tool', { tool: 'get_leads', arguments: { email: otherToken } }),
      await ask(socket, 'call-tool', { tool: 'update_lead', arguments: { email: 'a@b.com', scoreMode: otherToken } }),
      await ask(socket, 'call-tool', JSON.parse('{"tool": "get_leads", "arguments": {"__proto__": {"x": 1}}}')),
      await ask(socket, 'get-history', { limit: 'all', token: otherToken }),
      await ask(socket, 'auth-refresh', { token: otherToken }),
      await ask(socket, 'auth-refresh', { token: `${otherToken}x` }),
      await ask(socket, 'auth-refresh', { token: 12345 }),
      await ask(socket, 'ack-response', { requestId: otherToken }),
      await ask(socket, 'cancel-prompt', { requestId: 'x'.repeat(500) }),
    ];
    for (const answer of answers) {
      const failed = (answer as { ok?: boolean; isSuccess?: boolean }).ok === false || (answer as { isSuccess?: boolean }).isSuccess === false;
      expect(failed, JSON.stringify(answer).slice(0, 200)).toBe(true);
      expect((answer as { code?: string }).code).toEqual(expect.any(String));
    }
    const errors = collect(socket, 'error');
    untyped(socket).emit('no-such-event', { token: otherToken });
    untyped(socket).emit('auth-refresh', { token: `${otherToken}y` });
    await expect.poll(() => errors.length).toBeGreaterThanOrEqual(2);
    attacks += answers.length + 2;
    expect(socket.connected).toBe(true);
  });

  it('none of the secrets appear in logs, client payloads, /metrics, the console pages or the process console', async () => {
    const unauthorized = await fetch(`${gw.url}/metrics`);
    expect(unauthorized.status).toBe(401);
    const surfaces: Record<string, string> = {
      logs: gw.rawLogs.join('\n'),
      defaults: gw.deps.defaults.join('\n'),
      clients: JSON.stringify(received),
      printed: printed.join('\n'),
      metrics401: await unauthorized.text(),
      metrics: await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text(),
    };
    const consoleModules = readdirSync(new URL('../../../console/public/modules/', import.meta.url)).map((file) => `/modules/${file}`);
    for (const path of ['/', '/index.html', '/console.js', '/console.css', ...consoleModules, '/client.js', '/healthz', '/readyz']) {
      surfaces[path] = await (await fetch(`${gw.url}${path}`)).text();
    }
    // The run did log at debug, MCP child stderr included, so an empty log is no pass.
    expect(gw.logs.some((l) => l.level === 20)).toBe(true);
    expect(gw.logs.some((l) => l.source === 'mcp-server-stderr')).toBe(true);
    expect(surfaces.metrics).toContain('gateway_auth_failures_total');
    expect(surfaces['/console.js']?.length).toBeGreaterThan(100);
    expect(consoleModules.length).toBeGreaterThan(0);
    for (const path of consoleModules) expect(surfaces[path]?.length, path).toBeGreaterThan(100);

    const secrets: Record<string, string> = { LL_TOKEN, ANTHROPIC_KEY, OPENAI_KEY, METRICS_TOKEN, API_SECRET: TEST_SECRET };
    for (const [i, token] of tokens.entries()) {
      secrets[`token ${i}`] = token;
      const signature = token.split('.')[2];
      if (signature && signature.length > 8) secrets[`token ${i} signature`] = signature;
    }
    const leaks: string[] = [];
    for (const [surface, text] of Object.entries(surfaces)) {
      for (const [name, secret] of Object.entries(secrets)) if (text.includes(secret)) leaks.push(`${name} in ${surface}`);
    }
    expect(leaks).toEqual([]);

    // No stack traces, and no server file paths, in anything a client received.
    const strings: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') strings.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(received);
    expect(strings.length).toBeGreaterThan(50);
    expect(strings.filter((s) => STACK.test(s))).toEqual([]);
    expect(strings.filter((s) => s.includes(process.cwd()) || /node_modules\//.test(s))).toEqual([]);
    record({ scenario: 'secrets: tokens, keys and stacks never leak', attacks });
  });
});
