// Attacks below the event layer (issue 19), each by a hand-made client sending raw Engine.IO/Socket.IO frames:
// ack floods (Socket.IO hands acks to no middleware), CONNECT floods without a token, and Engine.IO sessions
// opened and never logged in. Each time the node closes the abuser's connection, counts it, logs a bounded number
// of lines, and keeps serving a bystander.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@leadlovers/testing';
import { sendPrompt, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { scrape, valueOf } from '../helpers/metrics.js';
import { connectRaw, openRaw, type RawWebSocket } from '../helpers/raw-websocket.js';
import { record } from './ledger.js';

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean> } };
};

async function served(gw: TestGateway, bystander: Client): Promise<void> {
  const response = await sendPrompt(bystander, 'liste minhas máquinas');
  expect(response.isSuccess).toBe(true);
}

describe('packet floods on a logged-in connection', () => {
  let gw: TestGateway;
  let bystander: Client;
  beforeAll(async () => {
    // Defaults: EVENTS_PER_10S=100 → 2 000 packets and 100 × 32 KiB bytes per window for every connection.
    gw = await startGateway({});
    bystander = await gw.connect('ack-bystander');
  });
  afterAll(() => gw.close());

  it('large ack packets: the connection is closed once its bytes pass the budget', async () => {
    const raw = await connectRaw(gw.url, await gw.token('ack-flooder'));
    const big = JSON.stringify('x'.repeat(28_000));
    let sent = 0;
    for (; sent < 2_000 && raw.ws.readyState === raw.ws.OPEN; sent++) {
      raw.send(`43${sent}[${big}]`);
      if (sent % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await raw.closed).toBeGreaterThan(0);
    expect(valueOf(await scrape(gw.url), 'gateway_transport_closures_total', { reason: 'packet_flood' })).toBe(1);
    await served(gw, bystander);
    record({ scenario: 'below events: 28 KB ack flood', attacks: sent });
  });

  it('small ack packets: the connection is closed once its packets pass the budget', async () => {
    const raw = await connectRaw(gw.url, await gw.token('small-ack-flooder'));
    const attempts = 20_000;
    let sent = 0;
    for (; sent < attempts && raw.ws.readyState === raw.ws.OPEN; sent++) {
      raw.send(`43${sent}[1]`);
      if (sent % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await raw.closed).toBeGreaterThan(0);
    expect(valueOf(await scrape(gw.url), 'gateway_transport_closures_total', { reason: 'packet_flood' })).toBe(2);
    // Closed near its budget (2 000), not after taking the whole flood.
    expect(sent).toBeLessThan(attempts);
    await served(gw, bystander);
    record({ scenario: 'below events: small ack flood', attacks: sent });
  });
});

describe('CONNECT floods without a token', () => {
  let gw: TestGateway;
  let bystander: Client;
  beforeAll(async () => {
    gw = await startGateway({});
    bystander = await gw.connect('connect-bystander');
  });
  afterAll(() => gw.close());

  it('bare `40` packets: at most three refusals, then the connection is closed; the log stays a few lines', async () => {
    const raw = await openRaw(gw.url);
    const flood = 20_000;
    let sent = 0;
    for (; sent < flood && raw.ws.readyState === raw.ws.OPEN; sent++) {
      raw.send('40');
      if (sent % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await raw.closed).toBeGreaterThan(0);
    // The fourth CONNECT closes the connection at the packet; the refusals of the first three may not make it out.
    const refusals = raw.frames.filter((frame) => frame.startsWith('44'));
    expect(refusals.length).toBeLessThanOrEqual(3);
    for (const refusal of refusals) expect(refusal).toContain('TOKEN_MISSING');
    expect(sent).toBeLessThan(flood);
    const metrics = await scrape(gw.url);
    expect(valueOf(metrics, 'gateway_transport_closures_total', { reason: 'connect_refusals' })).toBe(1);
    expect(valueOf(metrics, 'gateway_auth_failures_total', { code: 'TOKEN_MISSING' })).toBeLessThanOrEqual(3);
    // One line per interval and code, not one per refusal.
    expect(gw.logs.filter((l) => l.msg === 'auth failed').length).toBeLessThanOrEqual(2);
    await served(gw, bystander);
    record({ scenario: 'below events: CONNECT flood without a token', attacks: sent });
  });

  it('a flood of connections each sending bad tokens: every one closed by its fourth CONNECT, one log line', async () => {
    const flooders: RawWebSocket[] = [];
    for (let i = 0; i < 20; i++) flooders.push(await openRaw(gw.url));
    for (const raw of flooders) for (let k = 0; k < 10; k++) raw.send(`40${JSON.stringify({ token: `bad.token.${k}` })}`);
    await Promise.all(flooders.map((raw) => raw.closed));
    for (const raw of flooders) expect(raw.frames.filter((frame) => frame.startsWith('44')).length).toBeLessThanOrEqual(3);
    expect(valueOf(await scrape(gw.url), 'gateway_transport_closures_total', { reason: 'connect_refusals' })).toBe(21);
    expect(gw.logs.filter((l) => l.msg === 'auth failed' && l.code === 'TOKEN_INVALID').length).toBeLessThanOrEqual(1);
    await served(gw, bystander);
    record({ scenario: 'below events: bad-token CONNECT floods on 20 connections', attacks: 200 });
  });
});

describe('Engine.IO sessions that never log in', () => {
  it('are closed after AUTH_TIMEOUT_MS, counted while open, and count against MAX_CONNECTIONS and readiness', async () => {
    // MAX_CONNECTIONS=5: handshakes pass up to 5 + 8 (headroom, so a CONNECT at the limit hears OVERLOADED).
    const gw = await startGateway({ AUTH_TIMEOUT_MS: '1500', MAX_CONNECTIONS: '5' });
    try {
      const open: RawWebSocket[] = [];
      const refused: string[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          open.push(await openRaw(gw.url));
        } catch (err) {
          refused.push(String((err as { body?: string }).body ?? err));
        }
      }
      expect(open.length).toBe(13);
      expect(refused.length).toBe(7);
      for (const body of refused) expect(body).toMatch(/^OVERLOADED: /);
      const metrics = await scrape(gw.url);
      expect(valueOf(metrics, 'gateway_preauth_sessions')).toBe(13);
      expect(valueOf(metrics, 'gateway_handshake_refusals_total', { code: 'OVERLOADED' })).toBe(7);
      const full = await readyz(gw.url);
      expect(full.status).toBe(503);
      expect(full.body.checks.capacity).toBe(false);

      await Promise.all(open.map((raw) => raw.closed));
      await eventually(async () => valueOf(await scrape(gw.url), 'gateway_preauth_sessions') === 0);
      expect(valueOf(await scrape(gw.url), 'gateway_transport_closures_total', { reason: 'auth_timeout' })).toBe(13);
      await eventually(async () => (await readyz(gw.url)).status === 200);
      // The node takes real clients again.
      const client = await gw.connect('after-preauth-flood');
      await served(gw, client);
      record({ scenario: 'below events: pre-auth sessions past MAX_CONNECTIONS', attacks: 20 });
    } finally {
      await gw.close();
    }
  });

  it('one address opening handshakes past its budget is refused at the HTTP level with RATE_LIMITED', async () => {
    // CONNECT_ATTEMPTS_PER_MINUTE=5: 10 handshakes a minute per address (twice the CONNECT budget).
    const gw = await startGateway({ CONNECT_ATTEMPTS_PER_MINUTE: '5' });
    try {
      const statuses: number[] = [];
      let lastBody = '';
      for (let i = 0; i < 14; i++) {
        const res = await fetch(`${gw.url}/socket.io/?EIO=4&transport=polling`);
        statuses.push(res.status);
        lastBody = await res.text();
      }
      expect(statuses.filter((s) => s === 200).length).toBe(10);
      expect(statuses.slice(10)).toEqual([403, 403, 403, 403]);
      expect(JSON.parse(lastBody).message).toMatch(/^RATE_LIMITED: Too many connection attempts from this address; retry in \d+ s$/);
      expect(valueOf(await scrape(gw.url), 'gateway_handshake_refusals_total', { code: 'RATE_LIMITED' })).toBe(4);
      expect(gw.logs.filter((l) => l.msg === 'handshake refused').length).toBe(1);
      record({ scenario: 'below events: handshake flood from one address', attacks: 14 });
    } finally {
      await gw.close();
    }
  });
});
