// LeadLovers webhook → lead-created on every node, for that account only; signature, size, body and replay
// refusals publish nothing; the notify library reaches sockets without a gateway; registration through the
// LeadLovers API (fake) and a delivery fired by the fake end to end.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { LeadCreated } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLeadLovers, type FakeLeadLovers } from '../../../mcp-server/test/fake-leadlovers.js';
import { connectNotifier } from '../../src/notify/index.js';
import { accountWebhookSecret, signWebhookBody, webhookTargetUrl } from '../../src/webhooks/leadlovers.js';
import { registerWebhook } from '../../src/webhooks/register.js';
import { MemoryReplayGuard } from '../../src/webhooks/replay-guard.js';
import { REDIS_URL, startCluster, type TestCluster } from '../helpers/cluster.js';
import { collect, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { valueOf } from '../helpers/metrics.js';
import { eventually, sleep } from '@leadlovers/testing';

const SECRET = 'webhook-master-secret-0123456789-abcdefghij';
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const lead = (id: number | string, email = `lead${id}@example.com`) => ({
  Id: id,
  Email: email,
  CreatedDate: '2026-11-30T10:00:00',
  FixedFieldsEntity: { Name: 'Maria Souza', Phone: '11999990000', BirthDate: null, Company: 'ACME', City: 'São Paulo', State: 'SP' },
  DynamicFields: [{ Field: 'origem', Value: 'landing' }],
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A body sent in chunks without Content-Length, so only the streaming bound can stop it. */
function postChunked(url: string, chunks: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve(413) : reject(err)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const settle = () => sleep(300);

describe('webhook secrets and the replay guard', () => {
  it('derives a stable, distinct secret per account and signs bodies with it', () => {
    expect(accountWebhookSecret(SECRET, '42')).toBe(accountWebhookSecret(SECRET, '42'));
    expect(accountWebhookSecret(SECRET, '42')).not.toBe(accountWebhookSecret(SECRET, '43'));
    expect(accountWebhookSecret(SECRET, '42')).not.toBe(accountWebhookSecret(`${SECRET}x`, '42'));
    expect(signWebhookBody('s', '{}')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(webhookTargetUrl('https://ws.example.com/', SECRET, 'acc 1')).toBe(`https://ws.example.com/webhooks/leadlovers/acc%201/${accountWebhookSecret(SECRET, 'acc 1')}`);
  });

  it('claims a key once per window, forgets it after the window or a release, and stays bounded', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard(1_000, 3, () => now);
    expect(await guard.claim('a')).toBe(true);
    expect(await guard.claim('a')).toBe(false);
    now = 1_001;
    expect(await guard.claim('a')).toBe(true);
    await guard.release('a');
    expect(await guard.claim('a')).toBe(true);
    for (const key of ['b', 'c', 'd', 'e']) await guard.claim(key);
    // Bounded: the oldest key was evicted to keep at most 3.
    expect(await guard.claim('a')).toBe(true);
  });
});

describe('POST /webhooks/leadlovers/:account on a 2-node cluster', () => {
  let cluster: TestCluster;
  let a1: Client;
  let a2: Client;
  let b1: Client;
  let seenA1: LeadCreated[];
  let seenA2: LeadCreated[];
  let seenB1: LeadCreated[];
  let hook: string;

  beforeAll(async () => {
    cluster = await startCluster(2, { WEBHOOK_SECRET: SECRET, WEBHOOK_MAX_BODY_BYTES: '2048' });
    const [n0, n1] = cluster.nodes as [TestGateway, TestGateway];
    a1 = await n0.connect('wh-a1', { account: 'acc-a' });
    a2 = await n1.connect('wh-a2', { account: 'acc-a' });
    b1 = await n1.connect('wh-b1', { account: 'acc-b' });
    seenA1 = collect<LeadCreated>(a1, 'lead-created');
    seenA2 = collect<LeadCreated>(a2, 'lead-created');
    seenB1 = collect<LeadCreated>(b1, 'lead-created');
    hook = `${n0.url}/webhooks/leadlovers/acc-a`;
  });
  afterAll(() => cluster?.close());

  it('publishes lead-created to the account on both nodes, never to another account', async () => {
    const answer = await post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, lead(1001));
    expect(answer).toEqual({ status: 200, json: { published: true } });
    await eventually(() => seenA1.length === 1 && seenA2.length === 1);
    expect(seenA1[0]).toMatchObject({
      account: 'acc-a',
      lead: { id: '1001', email: 'lead1001@example.com', name: 'Maria Souza', company: 'ACME', city: 'São Paulo', state: 'SP', createdAt: '2026-11-30T10:00:00' },
    });
    expect(seenA1[0]?.lead.birthDate).toBeUndefined();
    expect(seenA1[0]?.lead.dynamicFields).toEqual([{ Field: 'origem', Value: 'landing' }]);
    await settle();
    expect(seenB1).toHaveLength(0);
  });

  it('a replay of the same Id within the window publishes once', async () => {
    const url = `${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`;
    const before = seenA1.length;
    expect((await post(url, lead(2002))).json).toEqual({ published: true });
    expect(await post(url, lead(2002))).toEqual({ status: 200, json: { published: false, duplicate: true } });
    // The same Id for another account is another lead.
    expect((await post(`${cluster.nodes[1]?.url}/webhooks/leadlovers/acc-b/${accountWebhookSecret(SECRET, 'acc-b')}`, lead(2002))).json).toEqual({ published: true });
    await eventually(() => seenB1.length === 1);
    await settle();
    expect(seenA1.length - before).toBe(1);
  });

  it('accepts an HMAC-signed body instead of the path secret', async () => {
    const body = JSON.stringify(lead(3003));
    const signature = signWebhookBody(accountWebhookSecret(SECRET, 'acc-a'), body);
    const before = seenA2.length;
    expect((await post(hook, body, { 'x-leadlovers-signature': signature })).status).toBe(200);
    await eventually(() => seenA2.length === before + 1);
  });

  it('refuses unsigned, wrongly signed, other-account and malformed requests with a code, publishing nothing', async () => {
    const before = { a1: seenA1.length, a2: seenA2.length, b1: seenB1.length };
    const body = JSON.stringify(lead(4004));
    const refusals: Array<[string, Promise<{ status: number; json: Record<string, unknown> }>, number, string]> = [
      ['unsigned', post(hook, body), 401, 'FORBIDDEN'],
      ['wrong path secret', post(`${hook}/not-the-secret`, body), 401, 'FORBIDDEN'],
      ['another account\'s secret', post(`${hook}/${accountWebhookSecret(SECRET, 'acc-b')}`, body), 401, 'FORBIDDEN'],
      ['bad signature', post(hook, body, { 'x-leadlovers-signature': signWebhookBody('wrong', body) }), 401, 'FORBIDDEN'],
      ['signature of another body', post(hook, body, { 'x-leadlovers-signature': signWebhookBody(accountWebhookSecret(SECRET, 'acc-a'), '{}') }), 401, 'FORBIDDEN'],
      ['not JSON', post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, '{"Id": 1,'), 400, 'INVALID_PAYLOAD'],
      ['no email', post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, { Id: 5 }), 400, 'INVALID_PAYLOAD'],
      ['bad email', post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, { ...lead(6), Email: 'nope' }), 400, 'INVALID_PAYLOAD'],
      ['array body', post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, [lead(7)]), 400, 'INVALID_PAYLOAD'],
      ['oversized', post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, { ...lead(8), Pad: 'x'.repeat(4096) }), 413, 'PAYLOAD_TOO_LARGE'],
      ['bad account id', post(`${cluster.nodes[0]?.url}/webhooks/leadlovers/acc$a/x`, body), 404, 'NOT_FOUND'],
      ['extra path', post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}/more`, body), 404, 'NOT_FOUND'],
    ];
    for (const [name, answer, status, code] of refusals) {
      const { status: got, json } = await answer;
      expect({ name, got, code: json.code }).toEqual({ name, got: status, code });
      expect(typeof json.message).toBe('string');
    }
    const invalid = await post(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, { Id: 5 });
    expect(invalid.json.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'Email' })]));
    expect(await postChunked(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`, Array.from({ length: 8 }, () => 'x'.repeat(512)))).toBe(413);
    const get = await fetch(`${hook}/${accountWebhookSecret(SECRET, 'acc-a')}`);
    expect(get.status).toBe(405);
    await settle();
    expect({ a1: seenA1.length, a2: seenA2.length, b1: seenB1.length }).toEqual(before);

    const metrics = await (await fetch(`${cluster.nodes[0]?.url}/metrics`)).text();
    expect(valueOf(metrics, 'gateway_webhook_requests_total', { outcome: 'unauthorized' })).toBeGreaterThanOrEqual(5);
    expect(valueOf(metrics, 'gateway_webhook_requests_total', { outcome: 'too_large' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(metrics, 'gateway_webhook_requests_total', { outcome: 'published' })).toBeGreaterThanOrEqual(2);
    // The path secret is never logged.
    const logs = cluster.nodes.flatMap((node) => node.rawLogs).join('\n');
    expect(logs).not.toContain(accountWebhookSecret(SECRET, 'acc-a'));
  });

  it('the notify library reaches a user or an account from outside any gateway', async () => {
    const notifier = await connectNotifier({ redisUrl: REDIS_URL, keyPrefix: cluster.prefix });
    try {
      const before = { a1: seenA1.length, a2: seenA2.length, b1: seenB1.length };
      const event: LeadCreated = { account: 'acc-a', lead: { id: 'n1', email: 'n1@example.com', dynamicFields: [] }, receivedAt: new Date().toISOString() };
      await notifier.notify({ user: 'wh-a2' }, 'lead-created', event);
      await eventually(() => seenA2.length === before.a2 + 1);
      await notifier.notify({ account: 'acc-a' }, 'lead-created', event);
      await eventually(() => seenA1.length === before.a1 + 1 && seenA2.length === before.a2 + 2);
      await expect(notifier.notify({ account: 'bad account!' }, 'lead-created', event)).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
      await settle();
      expect(seenB1.length).toBe(before.b1);
    } finally {
      await notifier.close();
    }
  });
});

describe('webhooks without WEBHOOK_SECRET', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw?.close());

  it('answers 404 NOT_FOUND and says how to enable them', async () => {
    const answer = await post(`${gw.url}/webhooks/leadlovers/acc-a/anything`, lead(1));
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('WEBHOOK_SECRET') });
  });
});

describe('registering with LeadLovers and receiving its calls (fake API)', () => {
  let fake: FakeLeadLovers;
  let gw: TestGateway;
  beforeAll(async () => {
    fake = await startFakeLeadLovers();
    gw = await startGateway({ WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('registerWebhook posts the Target_url with the account secret; the fake\'s new lead arrives as lead-created', async () => {
    const socket = await gw.connect('reg-user', { account: 'acc-r' });
    const seen = collect<LeadCreated>(socket, 'lead-created');
    const registration = await registerWebhook({ account: 'acc-r', publicUrl: gw.url, masterSecret: SECRET, token: 'tok-acc-r', apiUrl: fake.url });
    expect(registration.shownTargetUrl).toBe(`${gw.url}/webhooks/leadlovers/acc-r/…`);
    expect(registration.message).toBe('Webhook registrado');
    expect(fake.hooks('tok-acc-r')).toEqual([
      { applicationName: 'leadlovers-realtime-gateway', targetUrl: webhookTargetUrl(gw.url, SECRET, 'acc-r'), event: 'new_lead_event' },
    ]);
    expect(await fake.fireNewLead('tok-acc-r', lead(777, 'nova@example.com'))).toEqual([200]);
    await eventually(() => seen.length === 1);
    expect(seen[0]?.lead).toMatchObject({ id: '777', email: 'nova@example.com' });
  });

  it('pnpm webhook:register: registers, prints no secret; refuses without WEBHOOK_SECRET or a token', async () => {
    // Asynchronous: the fake API answers from this process.
    const run = (env: Record<string, string>, args = ['acc-cli']) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/cli/webhook-register.ts', ...args], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ENV_FILE: '/nonexistent', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('error', reject);
        child.once('close', (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      });
    const ok = await run({ PUBLIC_URL: 'https://ws.example.com', WEBHOOK_SECRET: SECRET, LEADLOVERS_API_URL: fake.url, LEADLOVERS_API_TOKEN: 'tok-cli', LEADLOVERS_ACCOUNT: 'acc-cli' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('webhook registered for account acc-cli: https://ws.example.com/webhooks/leadlovers/acc-cli/…');
    expect(ok.stdout).not.toContain(accountWebhookSecret(SECRET, 'acc-cli'));
    expect(fake.hooks('tok-cli')[0]?.targetUrl).toBe(webhookTargetUrl('https://ws.example.com', SECRET, 'acc-cli'));

    const noSecret = await run({ PUBLIC_URL: 'https://ws.example.com', LEADLOVERS_API_URL: fake.url, LEADLOVERS_API_TOKEN: 'tok-cli', LEADLOVERS_ACCOUNT: 'acc-cli' });
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toContain('WEBHOOK_SECRET');
    const otherAccount = await run({ PUBLIC_URL: 'https://ws.example.com', WEBHOOK_SECRET: SECRET, LEADLOVERS_API_URL: fake.url, LEADLOVERS_API_TOKEN: 'tok-cli', LEADLOVERS_ACCOUNT: 'acc-cli' }, ['acc-other']);
    expect(otherAccount.status).toBe(1);
    expect(otherAccount.stderr).toContain('no LeadLovers token');
    expect((await run({}, [])).status).toBe(2);
  });
});
