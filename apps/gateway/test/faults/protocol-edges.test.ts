// Protocol edges probed from outside (issue 17), by a client speaking raw Engine.IO / Socket.IO frames over
// long-polling: a token without exp at the CONNECT packet, unknown events with and without an ack id, events over
// the per-socket limit with ack ids, hostile payloads. Every refusal answers the ack that was asked for (nobody
// waits for a timeout), carries a code, and is counted in /metrics.
import { SignJWT } from 'jose';
import { PromptResponseSchema } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, TEST_SECRET, type TestGateway } from '../helpers/gateway.js';
import { scrape, valueOf } from '../helpers/metrics.js';
import { rawConnect, type RawPacket, type RawSocket } from '../helpers/raw-socket.js';
import { record } from './ledger.js';

const ackOf = (id: number) => (p: RawPacket) => p.type === '3' && p.id === id;
const firstArg = (p: RawPacket): Record<string, unknown> => (p.data as Array<Record<string, unknown>>)[0] ?? {};
const isErrorEvent = (p: RawPacket) => p.type === '2' && Array.isArray(p.data) && p.data[0] === 'error';

describe('raw-frame clients against one gateway', () => {
  let gw: TestGateway;
  const sockets: RawSocket[] = [];
  const open = async (auth: Record<string, unknown>) => {
    const socket = await rawConnect(gw.url, auth);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    gw = await startGateway({ EVENTS_PER_10S: '6', EVENT_RATE_WINDOW_MS: '600000', EVENT_ABUSE_WINDOWS: '100' });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await gw.close();
  });

  it('a CONNECT with a token without exp gets CONNECT_ERROR TOKEN_INVALID ("exp is required"), counted', async () => {
    const before = valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'TOKEN_INVALID' });
    const forever = await new SignJWT({ account: 'acc' }).setProtectedHeader({ alg: 'HS256' }).setSubject('forever').setIssuedAt().sign(new TextEncoder().encode(TEST_SECRET));
    const refused = await open({ token: forever });
    expect(refused.handshake.type).toBe('4');
    expect(refused.handshake.data).toMatchObject({ data: { code: 'TOKEN_INVALID' } });
    expect((refused.handshake.data as { message: string }).message).toMatch(/exp is required/);
    expect(valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'TOKEN_INVALID' })).toBe(before + 1);
    // The control: the same CONNECT with a token that expires is admitted.
    const admitted = await open({ token: await gw.token('forever') });
    expect(admitted.handshake.type).toBe('0');
    record({ scenario: 'protocol: raw CONNECT with a no-exp token', attacks: 1 });
  });

  it('an unknown event with an ack id gets its ack answered UNKNOWN_EVENT; without one, the error event', async () => {
    const socket = await open({ token: await gw.token('prober') });
    expect(socket.handshake.type).toBe('0');
    const before = valueOf(await scrape(gw.url), 'gateway_refused_events_total', { code: 'UNKNOWN_EVENT' });
    await socket.send('21["drop-tables",{"all":true}]');
    const answer = await socket.next(ackOf(1));
    expect(firstArg(answer)).toEqual({ ok: false, code: 'UNKNOWN_EVENT', message: 'Unknown event "drop-tables"' });
    await socket.send('2["drop-tables"]');
    const error = await socket.next(isErrorEvent);
    expect((error.data as unknown[])[1]).toMatchObject({ code: 'UNKNOWN_EVENT', event: 'drop-tables' });
    // The ack-answered one had no error event besides: only the ack-less emit produced one.
    expect(socket.received.filter(isErrorEvent)).toHaveLength(1);
    expect(valueOf(await scrape(gw.url), 'gateway_refused_events_total', { code: 'UNKNOWN_EVENT' })).toBe(before + 2);
    record({ scenario: 'protocol: raw unknown events with and without an ack id', attacks: 2 });
  });

  it('events over the per-socket limit: every one sent with an ack id is answered RATE_LIMITED in its event\'s shape', async () => {
    const socket = await open({ token: await gw.token('limited') });
    const before = valueOf(await scrape(gw.url), 'gateway_rate_limited_requests_total');
    // 6 allowed (EVENTS_PER_10S=6); all 9 in one POST.
    const frames = [
      ...Array.from({ length: 6 }, (_, i) => `2${10 + i}["list-tools"]`),
      '220["send-prompt",{"prompt":"Liste as máquinas","requestId":"over-1"}]',
      '221["get-history",{}]',
      '222["no-such-event"]',
    ];
    await socket.send(frames.join('\x1e4'));
    for (let i = 0; i < 6; i++) expect(firstArg(await socket.next(ackOf(10 + i), 10)), `ack ${10 + i}`).toMatchObject({ ok: true });
    const refusedPrompt = firstArg(await socket.next(ackOf(20)));
    expect(refusedPrompt).toMatchObject({ isSuccess: false, code: 'RATE_LIMITED', requestId: 'over-1' });
    expect(PromptResponseSchema.safeParse(refusedPrompt).success).toBe(true);
    expect(firstArg(await socket.next(ackOf(21)))).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(firstArg(await socket.next(ackOf(22)))).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(valueOf(await scrape(gw.url), 'gateway_rate_limited_requests_total')).toBe(before + 3);
    record({ scenario: 'protocol: raw events over the event limit with ack ids', attacks: 3 });
  });

  it('a hostile payload with an ack id is answered INVALID_PAYLOAD, a missing ack gets the error event; both counted', async () => {
    const socket = await open({ token: await gw.token('hostile') });
    const before = valueOf(await scrape(gw.url), 'gateway_refused_events_total', { code: 'INVALID_PAYLOAD' });
    await socket.send('230["get-history",{"__proto__":{"isAdmin":true}}]');
    expect(firstArg(await socket.next(ackOf(30)))).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    await socket.send('2["list-tools"]');
    expect(((await socket.next(isErrorEvent)).data as unknown[])[1]).toMatchObject({ code: 'INVALID_PAYLOAD', event: 'list-tools' });
    await socket.send('231["send-prompt",{"prompt":"x","requestId":"h-1","constructor":{"prototype":{"x":1}}}]');
    expect(firstArg(await socket.next(ackOf(31)))).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD', requestId: 'h-1' });
    expect(valueOf(await scrape(gw.url), 'gateway_refused_events_total', { code: 'INVALID_PAYLOAD' })).toBe(before + 2);
    record({ scenario: 'protocol: raw hostile payloads with ack ids', attacks: 3 });
  });
});
