// Abuse against an in-process gateway: per-IP handshake limits (and X-Forwarded-For only with TRUST_PROXY),
// per-socket event limits with cut-off, floods of unknown events, deep nesting, prototype pollution and slow-loris
// connections. Each time the node answers with a code, cuts the abuser off and keeps serving a bystander.
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import type { ErrorEvent, PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/auth/connect-limit.js';
import { hostilePayload, MAX_PAYLOAD_DEPTH } from '../../src/shared/payload-guard.js';
import { collect, connected, connectError, nextEvent, sendPrompt, startGateway, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { scrape, valueOf } from '../helpers/metrics.js';
import { sleep } from '@leadlovers/testing';
import { record } from '../faults/ledger.js';

describe('per-IP connection-attempt limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ CONNECT_ATTEMPTS_PER_MINUTE: '5' });
  });
  afterAll(() => gw.close());

  it('refuses handshakes over the limit with RATE_LIMITED before verifying the token, and counts them', async () => {
    let attacks = 0;
    for (let i = 0; i < 5; i++) {
      expect((await connectError(gw.client({ auth: { token: `guess-${i}` } }))).data?.code).toBe('TOKEN_INVALID');
      attacks += 1;
    }
    const err = await connectError(gw.client({ auth: { token: await gw.token('real-user') } }));
    expect(err.data?.code).toBe('RATE_LIMITED');
    expect(err.message).toMatch(/retry in \d+ s/);
    expect(valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'RATE_LIMITED' })).toBe(1);
    // A spoofed X-Forwarded-For does not help: TRUST_PROXY is off.
    const spoofed = gw.client({ auth: { token: await gw.token('real-user') }, extraHeaders: { 'x-forwarded-for': '203.0.113.9' } });
    expect((await connectError(spoofed)).data?.code).toBe('RATE_LIMITED');
    attacks += 2;
    expect(gw.logs.some((l) => l.code === 'RATE_LIMITED' && l.ip === '127.0.0.1')).toBe(true);
    record({ scenario: 'abuse: per-IP handshake limit', attacks });
  });
});

describe('per-IP limit behind a proxy (TRUST_PROXY=true)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ CONNECT_ATTEMPTS_PER_MINUTE: '2', TRUST_PROXY: 'true' });
  });
  afterAll(() => gw.close());

  it('keys the limit on the X-Forwarded-For entry nginx appended; a spoofed left part does not help', async () => {
    const via = async (xff: string) =>
      gw.client({ auth: { token: await gw.token(`u-${xff.replace(/\W/g, '')}`) }, extraHeaders: { 'x-forwarded-for': xff } });
    await connected(await via('1.1.1.1, 198.51.100.1'));
    await connected(await via('2.2.2.2, 198.51.100.1'));
    expect((await connectError(await via('3.3.3.3, 198.51.100.1'))).data?.code).toBe('RATE_LIMITED');
    await connected(await via('198.51.100.2'));
    // Three handshakes with a spoofed left part; the last one is the control.
    record({ scenario: 'abuse: per-IP limit behind a proxy', attacks: 3 });
  });

  it('clientAddress reads the header only when trusted, counting hops from the right', () => {
    const handshake = { address: '10.0.0.1', headers: { 'x-forwarded-for': ' 6.6.6.6, 198.51.100.7 , 10.0.0.9' } };
    expect(clientAddress(handshake, 0)).toBe('10.0.0.1');
    expect(clientAddress(handshake, 1)).toBe('10.0.0.9');
    expect(clientAddress(handshake, 2)).toBe('198.51.100.7');
    expect(clientAddress(handshake, 5)).toBe('10.0.0.1');
    expect(clientAddress({ address: '10.0.0.1', headers: {} }, 1)).toBe('10.0.0.1');
    record({ scenario: 'abuse: X-Forwarded-For parsing', attacks: 5 });
  });
});

describe('event limits, floods and hostile payloads', () => {
  let gw: TestGateway;
  let bystander: Client;
  const LIMIT = 20;

  beforeAll(async () => {
    gw = await startGateway({ EVENTS_PER_10S: String(LIMIT), EVENT_RATE_WINDOW_MS: '1000', EVENT_ABUSE_WINDOWS: '3', PROMPT_RATE_PER_MINUTE: '10000' });
    bystander = await gw.connect('bystander');
  });
  afterAll(() => gw.close());

  const bystanderServed = async () => {
    const response = await sendPrompt(bystander, 'Liste todas as máquinas disponíveis');
    expect(response.isSuccess).toBe(true);
  };

  /** Sends n list-tools with acks; every ack is answered (dropped ones RATE_LIMITED): resolves with how many were served. */
  const burst = async (socket: Client, n: number): Promise<number> => {
    const answers = (await Promise.all(Array.from({ length: n }, () => untyped(socket).timeout(5_000).emitWithAck('list-tools')))) as Array<{ ok: boolean; code?: string }>;
    expect(answers.filter((a) => !a.ok).every((a) => a.code === 'RATE_LIMITED')).toBe(true);
    return answers.filter((a) => a.ok).length;
  };

  it('over the limit: one RATE_LIMITED error, further events dropped (their acks answered RATE_LIMITED), then served again', async () => {
    const socket = await gw.connect('bursty');
    const errors = collect<ErrorEvent>(socket, 'error');
    const before = valueOf(await scrape(gw.url), 'gateway_rate_limited_requests_total');
    const sent = LIMIT + 10;
    expect(await burst(socket, sent)).toBe(LIMIT);
    expect(errors).toEqual([expect.objectContaining({ code: 'RATE_LIMITED' })]);
    expect(valueOf(await scrape(gw.url), 'gateway_rate_limited_requests_total')).toBe(before + 10);
    await sleep(1_100);
    expect(await burst(socket, 5)).toBe(5);
    expect(socket.connected).toBe(true);
    record({ scenario: 'abuse: event burst over the limit', attacks: sent });
  });

  it('repeated abuse (EVENT_ABUSE_WINDOWS windows over the limit) disconnects the socket', async () => {
    const socket = await gw.connect('repeat-abuser');
    const disconnected = nextEvent<string>(socket, 'disconnect', 15_000);
    let events = 0;
    for (let w = 0; w < 3 && socket.connected; w++) {
      for (let i = 0; i < LIMIT + 5; i++) untyped(socket).emit('get-presence-no-ack');
      events += LIMIT + 5;
      await sleep(1_100);
    }
    expect(await disconnected).toBe('io server disconnect');
    await bystanderServed();
    record({ scenario: 'abuse: repeated windows over the limit', attacks: events });
  });

  it('thousands of unknown events: bounded answers, the socket is cut off, the bystander is served', async () => {
    const socket = await gw.connect('flooder');
    const errors = collect<ErrorEvent>(socket, 'error');
    const disconnected = nextEvent<string>(socket, 'disconnect', 10_000);
    const flood = 5_000;
    for (let i = 0; i < flood; i++) untyped(socket).emit(`unknown-${i}`, { i });
    // Cut off by whichever layer counts past its bound first: the event limit (10× LIMIT events) or the
    // transport guard (20× LIMIT packets), which sees packets before Socket.IO has dispatched them.
    expect(['io server disconnect', 'transport close']).toContain(await disconnected);
    expect(errors.filter((e) => e.code === 'UNKNOWN_EVENT').length).toBeLessThanOrEqual(LIMIT);
    expect(errors.filter((e) => e.code === 'RATE_LIMITED').length).toBeLessThanOrEqual(1);
    await bystanderServed();
    expect(gw.logs.some((l) => (l.msg === 'event flood: disconnecting socket' && l.userId === 'flooder') || (l.msg === 'connection closed by the transport guard' && l.code === 'packet_flood'))).toBe(true);
    record({ scenario: 'abuse: unknown-event flood', attacks: flood });
  });

  it('deeply nested payloads (10 000 levels) are refused; the node survives and serves others', async () => {
    const socket = await gw.connect('nester');
    // Written to the wire by hand: socket.io-client's own binary scan would overflow this process's stack first.
    const engine = socket.io.engine as unknown as { send(data: string): void; on(event: 'packet', fn: (p: { type: string; data?: unknown }) => void): void };
    const acks = new Map<string, (value: PromptResponse) => void>();
    engine.on('packet', (packet) => {
      const match = typeof packet.data === 'string' ? /^3(\d+)(.*)$/s.exec(packet.data) : null;
      if (match?.[1] && match[2]) acks.get(match[1])?.((JSON.parse(match[2]) as PromptResponse[])[0] as PromptResponse);
    });
    const rawEmit = (id: number, payloadJson: string) =>
      new Promise<PromptResponse>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack ${id}`)), 5_000);
        acks.set(String(id), (value) => {
          clearTimeout(timer);
          resolve(value);
        });
        engine.send(`2${id}["send-prompt",${payloadJson}]`);
      });
    const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(4_000)}1${'}'.repeat(4_000)}`;
    const payloads = [deepArray, `{"prompt":"x","nested":${deepArray}}`, `{"prompt":${deepObject}}`, `{"prompt":"x","requestId":"deep-1","conversationId":${deepArray}}`];
    for (const [i, payload] of payloads.entries()) {
      expect(await rawEmit(9_000 + i, payload)).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    }
    expect(socket.connected).toBe(true);
    await bystanderServed();
    record({ scenario: 'abuse: deeply nested payloads', attacks: payloads.length });
  });

  it('prototype-polluting payloads → INVALID_PAYLOAD, and Object.prototype stays clean', async () => {
    const socket = await gw.connect('polluter');
    const payloads = [
      '{"__proto__": {"isAdmin": true}, "prompt": "x"}',
      '{"constructor": {"prototype": {"isAdmin": true}}, "prompt": "x"}',
      '{"prompt": "x", "requestId": "r1", "__proto__": {"isAdmin": true, "polluted": "yes"}}',
    ].map((text) => JSON.parse(text) as unknown);
    let attacks = 0;
    for (const payload of payloads) {
      attacks += 1;
      const response = (await untyped(socket).timeout(5_000).emitWithAck('send-prompt', payload)) as PromptResponse;
      expect(response).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    }
    const toolArgs = JSON.parse('{"tool": "get_machines", "arguments": {"__proto__": {"isAdmin": true}}}') as unknown;
    const toolResponse = (await untyped(socket).timeout(5_000).emitWithAck('call-tool', toolArgs)) as PromptResponse;
    expect(toolResponse).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    // With a binary attachment the parser rebuilds the packet (a different code path); still refused.
    const binary = JSON.parse('{"__proto__": {"isAdmin": true}, "prompt": "x"}') as Record<string, unknown>;
    binary.file = Buffer.from('x');
    const binaryResponse = (await untyped(socket).timeout(5_000).emitWithAck('send-prompt', binary)) as PromptResponse;
    expect(binaryResponse).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    attacks += 2;
    for (const event of ['ack-response', 'cancel-prompt', 'get-history', 'auth-refresh']) {
      for (const text of ['{"__proto__": {"isAdmin": true}, "requestId": "r1", "token": "x"}', '{"requestId": "r1", "constructor": {"prototype": {"isAdmin": true}}}']) {
        attacks += 1;
        const answer = await untyped(socket).timeout(5_000).emitWithAck(event, JSON.parse(text));
        expect(answer, event).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
      }
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('isAdmin');
    expect(socket.connected).toBe(true);
    record({ scenario: 'abuse: prototype pollution', attacks });
  });
});

describe('slow-loris handshakes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600' });
  });
  afterAll(() => gw.close());

  const rawConnection = (write?: string): Promise<{ socket: NetSocket; closed: Promise<number> }> =>
    new Promise((resolve, reject) => {
      const { port } = new URL(gw.url);
      const socket = netConnect(Number(port), '127.0.0.1', () => {
        const opened = Date.now();
        const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - opened)));
        if (write) socket.write(write);
        resolve({ socket, closed });
      });
      socket.on('error', () => undefined);
      socket.resume(); // read (and discard) the 408, so the server's end of the connection is seen
      socket.once('error', reject);
    });

  it('closes connections that never finish their request headers, and keeps serving', async () => {
    const partial = 'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';
    const conns = await Promise.all([
      ...Array.from({ length: 10 }, () => rawConnection(partial)),
      ...Array.from({ length: 5 }, () => rawConnection('POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc')),
    ]);
    // Trickle a header byte now and then: the headers timeout still applies to the whole header block.
    const trickle = setInterval(() => {
      for (const { socket } of conns.slice(0, 3)) if (!socket.destroyed) socket.write('a');
    }, 100);
    try {
      const durations = await Promise.all(conns.map(({ closed }) => Promise.race([closed, sleep(5_000).then(() => Infinity)])));
      for (const ms of durations) expect(ms).toBeLessThan(3_000);
    } finally {
      clearInterval(trickle);
    }
    const client = await gw.connect('after-loris');
    expect((await sendPrompt(client, 'Liste todas as máquinas disponíveis')).isSuccess).toBe(true);
    record({ scenario: 'abuse: slow-loris handshakes', attacks: conns.length });
  });

  it('an idle connection that sends nothing is closed too', async () => {
    const { closed } = await rawConnection();
    expect(await Promise.race([closed, sleep(8_000).then(() => Infinity)])).toBeLessThan(3_000);
    record({ scenario: 'abuse: idle connection', attacks: 1 });
  });
});

describe('hostilePayload', () => {
  it('accepts ordinary payloads and refuses prototype keys, swapped prototypes and deep nesting', () => {
    expect(hostilePayload({ prompt: 'x', requestId: 'r', arguments: { tags: ['a', 'b'], n: 1, nested: { ok: true } } })).toBeUndefined();
    expect(hostilePayload([null, 1, 'x', Buffer.from('x')])).toBeUndefined();
    expect(hostilePayload(JSON.parse('{"a": {"__proto__": {"x": 1}}}'))).toMatch(/__proto__/);
    expect(hostilePayload(JSON.parse('{"constructor": {"prototype": {"x": 1}}}'))).toMatch(/constructor/);
    expect(hostilePayload({ a: Object.create({ isAdmin: true }) as unknown })).toMatch(/prototype/);
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(hostilePayload(deep)).toMatch(/nested/);
    const justDeepEnough = JSON.parse(`${'['.repeat(MAX_PAYLOAD_DEPTH)}${']'.repeat(MAX_PAYLOAD_DEPTH)}`) as unknown;
    expect(hostilePayload(justDeepEnough)).toBeUndefined();
    record({ scenario: 'abuse: hostilePayload unit', attacks: 4 });
  });
});
