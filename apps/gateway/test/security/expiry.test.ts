// Expiry on live sockets (issue 6, Security 2): a socket whose token expires is told (`error` TOKEN_EXPIRED)
// and disconnected, unless it sent `auth-refresh` in time with a valid token for the same user. A refresh for
// another user or account, or with an expired, forged or alg-none token, is refused with a code and leaves the
// original expiry in force.
import type { AckResult, ErrorEvent } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import { record } from '../faults/ledger.js';
import { collect, connected, nextEvent, sendPrompt, startGateway, TEST_SECRET, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { sleep } from '@leadlovers/testing';

type RefreshAck = AckResult<{ expiresAt: string | null }>;
/** Timers run on the monotonic clock, Date.now() on the wall clock: allow them a few ms of disagreement. */
const CLOCK_SLACK_MS = 20;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** The exp a token carries, in epoch ms (mintToken rounds it down to the second). */
const expOf = (token: string): number => (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;
const refresh = (socket: Client, payload: unknown): Promise<RefreshAck> =>
  untyped(socket).timeout(5_000).emitWithAck<RefreshAck>('auth-refresh', payload);

describe('token expiry on a live socket', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  /** Connects `userId` with a token of `ttlSeconds`; returns the socket, its token's expiry and what it will hear. */
  const connectShortLived = async (userId: string, ttlSeconds: number, account?: string) => {
    const token = await gw.token(userId, { ttlSeconds, ...(account ? { account } : {}) });
    const socket = gw.client({ auth: { token } });
    const errors = collect<ErrorEvent>(socket, 'error');
    await connected(socket);
    const disconnected = nextEvent<string>(socket, 'disconnect', 15_000).then((reason) => ({ reason, at: Date.now() }));
    return { socket, expiresAt: expOf(token), errors, disconnected };
  };

  it('tells the client TOKEN_EXPIRED and disconnects it when the token runs out', async () => {
    const { socket, expiresAt, errors, disconnected } = await connectShortLived('short-lived', 3);
    expect((await sendPrompt(socket, 'Liste todas as máquinas disponíveis')).isSuccess).toBe(true);
    const { reason, at } = await disconnected;
    expect(reason).toBe('io server disconnect');
    expect(at).toBeGreaterThanOrEqual(expiresAt - CLOCK_SLACK_MS);
    expect(errors).toEqual([expect.objectContaining({ code: 'TOKEN_EXPIRED', message: expect.any(String) })]);
    expect(gw.logs.some((l) => l.msg === 'token expired on a live socket; disconnecting' && l.userId === 'short-lived')).toBe(true);
    record({ scenario: 'expiry: live socket outlives its token', attacks: 1 });
  });

  it('a refresh in time keeps the socket connected and served past the old expiry; the new expiry is then enforced', async () => {
    const { socket, expiresAt, errors, disconnected } = await connectShortLived('refresher', 3);
    const longer = await gw.token('refresher', { ttlSeconds: 6 });
    const ack = await refresh(socket, { token: longer });
    expect(ack).toEqual({ ok: true, data: { expiresAt: new Date(expOf(longer)).toISOString() } });
    expect(expOf(longer)).toBeGreaterThan(expiresAt);

    await sleep(Math.max(0, expiresAt - Date.now()) + 500);
    expect(socket.connected).toBe(true);
    expect(errors).toEqual([]);
    expect((await sendPrompt(socket, 'Liste todas as máquinas disponíveis')).isSuccess).toBe(true);

    const { reason, at } = await disconnected;
    expect(reason).toBe('io server disconnect');
    expect(at).toBeGreaterThanOrEqual(expOf(longer) - CLOCK_SLACK_MS);
    expect(errors).toEqual([expect.objectContaining({ code: 'TOKEN_EXPIRED' })]);
    // After that the user comes back the ordinary way: a new connection with a fresh token.
    const again = await gw.connect('refresher');
    expect((await sendPrompt(again, 'Liste todas as máquinas disponíveis')).isSuccess).toBe(true);
    record({ scenario: 'expiry: refresh in time, new expiry enforced', attacks: 1 });
  });

  it("a refresh with another user's or another account's token is refused; the original expiry still applies", async () => {
    const { socket, expiresAt, errors, disconnected } = await connectShortLived('victim-owner', 3, 'acct-1');
    const foreign = [
      await gw.token('someone-else', { ttlSeconds: 3600, account: 'acct-1' }),
      await gw.token('victim-owner', { ttlSeconds: 3600, account: 'acct-2' }),
      await gw.token('someone-else', { ttlSeconds: 3600 }),
    ];
    for (const token of foreign) {
      expect(await refresh(socket, { token })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.any(String) });
    }
    expect(socket.connected).toBe(true);
    const { reason, at } = await disconnected;
    expect(reason).toBe('io server disconnect');
    expect(at).toBeGreaterThanOrEqual(expiresAt - CLOCK_SLACK_MS);
    // Well before any of the foreign tokens' expiry: the refusals changed nothing.
    expect(at).toBeLessThan(expiresAt + 5_000);
    expect(errors).toEqual([expect.objectContaining({ code: 'TOKEN_EXPIRED' })]);
    record({ scenario: 'expiry: refresh for another user/account', attacks: foreign.length });
  });

  it('a refresh with an expired, forged, alg-none or malformed token is refused with its code; the original expiry still applies', async () => {
    const { socket, expiresAt, errors, disconnected } = await connectShortLived('bad-refresher', 3);
    const t = Math.floor(Date.now() / 1000);
    const good = await gw.token('bad-refresher', { ttlSeconds: 3600 });
    const [gh, gp, gs] = good.split('.') as [string, string, string];
    const attempts: Array<[string, unknown, string]> = [
      ['expired', { token: await mintToken(TEST_SECRET, { userId: 'bad-refresher', ttlSeconds: -60 }) }, 'TOKEN_EXPIRED'],
      ['wrong secret', { token: await mintToken('some-other-secret-0123456789-abcdefghijkl', { userId: 'bad-refresher', ttlSeconds: 3600 }) }, 'TOKEN_INVALID'],
      ['alg none', { token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'bad-refresher', exp: t + 3600 })}.` }, 'TOKEN_INVALID'],
      ['tampered exp', { token: `${gh}.${b64({ sub: 'bad-refresher', exp: t + 86_400 })}.${gs}` }, 'TOKEN_INVALID'],
      ['no signature', { token: `${gh}.${gp}.` }, 'TOKEN_INVALID'],
      ['garbage', { token: 'not-a-jwt' }, 'TOKEN_INVALID'],
      ['oversized', { token: 'x'.repeat(9_000) }, 'INVALID_PAYLOAD'],
      ['missing token', {}, 'INVALID_PAYLOAD'],
      ['extra field', { token: good, expiresAt: t + 86_400 }, 'INVALID_PAYLOAD'],
    ];
    for (const [label, payload, code] of attempts) {
      expect(await refresh(socket, payload), label).toMatchObject({ ok: false, code, message: expect.any(String) });
    }
    // Without an acknowledgement the refusal arrives as an error event, still coded.
    untyped(socket).emit('auth-refresh', { token: 'not-a-jwt' });
    await expect.poll(() => errors.some((e) => e.code === 'TOKEN_INVALID' && e.event === 'auth-refresh')).toBe(true);

    expect(socket.connected).toBe(true);
    const { reason, at } = await disconnected;
    expect(reason).toBe('io server disconnect');
    expect(at).toBeGreaterThanOrEqual(expiresAt - CLOCK_SLACK_MS);
    expect(at).toBeLessThan(expiresAt + 5_000);
    expect(errors.map((e) => e.code)).toEqual(['TOKEN_INVALID', 'TOKEN_EXPIRED']);
    // None of the refused tokens were logged.
    const raw = gw.rawLogs.join('\n');
    for (const [label, payload] of attempts) {
      const token = (payload as { token?: string }).token;
      const signature = token?.split('.')[2];
      if (signature && signature.length > 8) expect(raw.includes(signature), label).toBe(false);
    }
    record({ scenario: 'expiry: refresh with a bad token', attacks: attempts.length + 1 });
  });
});
