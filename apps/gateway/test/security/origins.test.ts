// Origins in production mode (issue 6, Security 3): WebSocket and long-polling handshakes from origins outside
// DOMAIN_URL are refused — through socket.io-client on each transport and as raw HTTP polling requests — and no
// Access-Control-Allow-Origin is ever granted to a foreign origin. Listed origins (and the gateway's own, for the
// console it serves) work over both transports.
import { request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../faults/ledger.js';
import { connectError, connected, sendPrompt, startGateway, type TestGateway } from '../helpers/gateway.js';
import { scrape, valueOf } from '../helpers/metrics.js';

const ALLOWED = 'https://app.leadlovers.com';
const ALSO_ALLOWED = 'https://admin.leadlovers.com';
/** Look-alikes of the allowed origins, and origins allowed only outside production. */
const FOREIGN = [
  'https://evil.example.com',
  'https://app.leadlovers.com.evil.example.com',
  'https://evil-app.leadlovers.com',
  'http://app.leadlovers.com',
  'https://app.leadlovers.com:8443',
  'null',
  'http://localhost:3000',
  'http://127.0.0.1:5173',
];
const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

describe('origins in production mode', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'production', DOMAIN_URL: `${ALLOWED},${ALSO_ALLOWED}` });
  });
  afterAll(() => gw.close());

  const refusedCount = async () => valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'ORIGIN_FORBIDDEN' });
  const engineClients = () => gw.gateway.io.engine.clientsCount;

  it('socket.io-client over polling and over websocket: every foreign origin is refused, and counted', async () => {
    const token = await gw.token('origin-attacker');
    const before = await refusedCount();
    let attacks = 0;
    for (const origin of FOREIGN) {
      // WebSocket: browsers apply no CORS to it, so the Socket.IO middleware refuses it with a code.
      const wsClient = gw.client({ transports: ['websocket'], auth: { token }, extraHeaders: { origin } });
      const ws = await connectError(wsClient);
      expect(ws.data?.code, origin).toBe('ORIGIN_FORBIDDEN');
      wsClient.disconnect();
      // Polling: refused at the HTTP handshake, before any Engine.IO session exists.
      const clients = engineClients();
      const polling = await connectError(gw.client({ transports: ['polling'], auth: { token }, extraHeaders: { origin } }));
      expect(polling.message, origin).toMatch(/poll error/);
      expect((polling as unknown as { context?: { status?: number } }).context?.status, origin).toBe(403);
      // (Less, not equal: the refused WebSocket client's transport may still be closing.)
      expect(engineClients(), origin).toBeLessThanOrEqual(clients);
      attacks += 2;
    }
    expect(await refusedCount()).toBe(before + attacks);
    // Logged once per interval and code (a flood of refusals costs a few lines); every one is counted above.
    const lines = gw.logs.filter((l) => l.msg === 'auth failed' && l.code === 'ORIGIN_FORBIDDEN').length;
    expect(lines).toBeGreaterThanOrEqual(1);
    expect(lines).toBeLessThanOrEqual(2);
    // The token was valid all along: the origin alone decided, and nobody got in.
    expect(gw.logs.some((l) => l.msg === 'auth succeeded' && l.userId === 'origin-attacker')).toBe(false);
    record({ scenario: 'origins: foreign origins via socket.io-client', attacks });
  });

  it('raw HTTP polling handshakes and preflights from a foreign origin: 403 ORIGIN_FORBIDDEN, no Access-Control-Allow-Origin', async () => {
    let attacks = 0;
    for (const origin of FOREIGN) {
      const clients = engineClients();
      const res = await fetch(`${gw.url}${HANDSHAKE}`, { headers: { origin } });
      expect(res.status, origin).toBe(403);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('access-control-allow-credentials'), origin).toBeNull();
      expect(await res.json(), origin).toEqual({ code: 'ORIGIN_FORBIDDEN', message: 'Origin not allowed' });
      expect(engineClients(), origin).toBe(clients);

      const preflight = await fetch(`${gw.url}${HANDSHAKE}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(preflight.status, origin).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
      await preflight.arrayBuffer();
      attacks += 2;
    }
    record({ scenario: 'origins: raw polling handshakes and preflights', attacks });
  });

  it('a polling handshake dressed up with an Upgrade header is still polling, and still refused', async () => {
    const { port } = new URL(gw.url);
    const answer = await new Promise<{ status: number | undefined; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: HANDSHAKE, headers: { origin: FOREIGN[0], upgrade: 'websocket' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'ORIGIN_FORBIDDEN' });
    record({ scenario: 'origins: polling handshake with a fake Upgrade header', attacks: 1 });
  });

  it("a foreign origin cannot ride an allowed origin's polling session (polls and posts with its sid)", async () => {
    const opened = await fetch(`${gw.url}${HANDSHAKE}`, { headers: { origin: ALLOWED } });
    expect(opened.status).toBe(200);
    const sid = (JSON.parse((await opened.text()).slice(1)) as { sid: string }).sid;
    const url = `${gw.url}${HANDSHAKE}&sid=${encodeURIComponent(sid)}`;
    const token = await gw.token('session-rider');
    const post = await fetch(url, { method: 'POST', headers: { origin: FOREIGN[0] ?? '', 'content-type': 'text/plain;charset=UTF-8' }, body: `40${JSON.stringify({ token })}` });
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    await post.arrayBuffer();
    const poll = await fetch(url, { headers: { origin: FOREIGN[0] ?? '' } });
    expect(poll.status).toBe(403);
    expect(poll.headers.get('access-control-allow-origin')).toBeNull();
    await poll.arrayBuffer();
    expect(gw.logs.some((l) => l.msg === 'auth succeeded' && l.userId === 'session-rider')).toBe(false);
    record({ scenario: 'origins: foreign origin riding a polling session', attacks: 2 });
  });

  it('listed origins, the gateway’s own origin and origin-less clients work over both transports', async () => {
    const origins = [ALLOWED, ALSO_ALLOWED, gw.url];
    for (const origin of origins) {
      for (const transports of [['polling'], ['websocket']]) {
        const socket = gw.client({ transports, auth: { token: await gw.token(`ok-${transports[0]}`) }, extraHeaders: { origin } });
        await connected(socket);
        expect(socket.io.engine.transport.name, `${origin} ${transports[0]}`).toBe(transports[0]);
        expect((await sendPrompt(socket, 'Liste todas as máquinas disponíveis')).isSuccess, origin).toBe(true);
        socket.disconnect();
      }
      const res = await fetch(`${gw.url}${HANDSHAKE}`, { headers: { origin } });
      expect(res.status, origin).toBe(200);
      // The console is same-origin: it needs no CORS header; listed origins get exactly their own.
      if (origin !== gw.url) expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin);
      await res.arrayBuffer();
    }
    const plain = gw.client({ transports: ['polling'], auth: { token: await gw.token('no-origin') } });
    await connected(plain);
    expect((await sendPrompt(plain, 'Liste todas as máquinas disponíveis')).isSuccess).toBe(true);
  });
});

describe('the null origin (pages opened from file://)', () => {
  it('dev mode: accepted over WebSocket and polling (Access-Control-Allow-Origin: null), with a warning at start-up', async () => {
    const gw = await startGateway({ NODE_ENV: 'development', DOMAIN_URL: ALLOWED });
    try {
      expect(gw.logs.some((l) => l.level === 40 && typeof l.msg === 'string' && l.msg.startsWith('dev mode: the null Origin'))).toBe(true);
      const token = await gw.token('file-page');
      const ws = gw.client({ transports: ['websocket'], auth: { token }, extraHeaders: { origin: 'null' } });
      await connected(ws);
      expect((await sendPrompt(ws, 'Liste todas as máquinas disponíveis')).isSuccess).toBe(true);
      ws.disconnect();
      await connected(gw.client({ transports: ['polling'], auth: { token: await gw.token('file-page-2') }, extraHeaders: { origin: 'null' } }));
      const res = await fetch(`${gw.url}${HANDSHAKE}`, { headers: { origin: 'null' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('null');
    } finally {
      await gw.close();
    }
  });

  it('production: refused (ORIGIN_FORBIDDEN, counted) and no warning line', async () => {
    const gw = await startGateway({ NODE_ENV: 'production', DOMAIN_URL: ALLOWED });
    try {
      expect(gw.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('dev mode: the null Origin'))).toBe(false);
      const before = valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'ORIGIN_FORBIDDEN' });
      const err = await connectError(gw.client({ transports: ['websocket'], auth: { token: await gw.token('file-page') }, extraHeaders: { origin: 'null' } }));
      expect(err.data?.code).toBe('ORIGIN_FORBIDDEN');
      const res = await fetch(`${gw.url}${HANDSHAKE}`, { headers: { origin: 'null' } });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'ORIGIN_FORBIDDEN' })).toBe(before + 2);
    } finally {
      await gw.close();
    }
    record({ scenario: 'origins: the null origin in production', attacks: 2 });
  });
});
