// Attacks on POST /webhooks/leadlovers (issue 19): a validly signed body nested 8 000 levels deep, bodies that are
// not JSON, and a flood of wrong secrets from one address. Each is refused with a code, publishes nothing, costs a
// bounded number of log lines, and the node keeps taking the real webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWebhookSecret, signWebhookBody } from '../../src/webhooks/leadlovers.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { scrape, valueOf } from '../helpers/metrics.js';
import { record } from '../faults/ledger.js';

const SECRET = 'abuse-webhook-master-7f3Kq9-Lm2xV8-pR4tZ6-wB1nC5';
const lead = (id: number) => ({ Id: id, Email: `lead${id}@example.com`, DynamicFields: [{ Field: 'origem', Value: 'ads' }] });

describe('webhook abuse', () => {
  let gw: TestGateway;
  let hook: string;
  beforeAll(async () => {
    gw = await startGateway({ WEBHOOK_SECRET: SECRET });
    hook = `${gw.url}/webhooks/leadlovers/acc-abuse`;
  });
  afterAll(() => gw.close());

  const post = async (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as { code?: string; message?: string; published?: boolean } };
  };

  it('a signed body with DynamicFields nested 8 000 levels deep: 400 INVALID_PAYLOAD, nothing published, the node fine', async () => {
    const deep = `{"Id":1,"Email":"deep@example.com","DynamicFields":[${'['.repeat(8_000)}${']'.repeat(8_000)}]}`;
    const secret = accountWebhookSecret(SECRET, 'acc-abuse');
    const refused = await post(hook, deep, { 'content-type': 'application/json', 'x-leadlovers-signature': signWebhookBody(secret, deep) });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('INVALID_PAYLOAD');
    expect(refused.json.message).toMatch(/nested more than \d+ levels/);
    const ok = await post(`${hook}/${secret}`, JSON.stringify(lead(2)));
    expect(ok).toEqual({ status: 200, json: { published: true } });
    record({ scenario: 'webhook: 8 000-deep signed body', attacks: 1 });
  });

  it('bodies that are not JSON by their Content-Type: 415 INVALID_PAYLOAD', async () => {
    const url = `${hook}/${accountWebhookSecret(SECRET, 'acc-abuse')}`;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const res = await post(url, JSON.stringify(lead(3)), type ? { 'content-type': type } : {});
      expect(res.status, type).toBe(415);
      expect(res.json.code, type).toBe('INVALID_PAYLOAD');
    }
    expect((await post(url, JSON.stringify(lead(4)), { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    record({ scenario: 'webhook: non-JSON content types', attacks: 4 });
  });

  it('wrong secrets from one address: 20 a minute get 401, then 429 before any comparison; a few log lines', async () => {
    const statuses: number[] = [];
    const attempts = 200;
    for (let i = 0; i < attempts; i++) statuses.push((await post(`${gw.url}/webhooks/leadlovers/acc-guess/guess-${i}`, JSON.stringify(lead(i)))).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const last = await post(`${gw.url}/webhooks/leadlovers/acc-guess/guess-x`, JSON.stringify(lead(1)));
    expect(last.json.code).toBe('RATE_LIMITED');
    expect(last.json.message).toMatch(/retry in \d+ s/);
    // Even the right secret waits: the address is blocked, not the guess.
    expect((await post(`${gw.url}/webhooks/leadlovers/acc-guess/${accountWebhookSecret(SECRET, 'acc-guess')}`, JSON.stringify(lead(9)))).status).toBe(429);
    const metrics = await scrape(gw.url);
    expect(valueOf(metrics, 'gateway_webhook_requests_total', { outcome: 'unauthorized' })).toBe(20);
    expect(valueOf(metrics, 'gateway_webhook_requests_total', { outcome: 'rate_limited' })).toBe(attempts - 20 + 2);
    expect(gw.logs.filter((l) => l.msg === 'webhook refused').length).toBeLessThanOrEqual(4);
    expect(gw.rawLogs.join('\n')).not.toContain('guess-1');
    record({ scenario: 'webhook: wrong-secret flood from one address', attacks: attempts + 2 });
  });
});
