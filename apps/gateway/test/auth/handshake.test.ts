// The handshake: the three token placements, each failure code as connect_error data.code, origins, and logs
// that record auth outcomes without ever containing a token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import { connectError, connected, startGateway, TEST_SECRET, type TestGateway } from '../helpers/gateway.js';

describe('auth over a real gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('accepts the token in handshake.auth.token', async () => {
    const socket = gw.client({ auth: { token: await gw.token('auth-user') } });
    await connected(socket);
    expect(socket.connected).toBe(true);
  });

  it('accepts the token in an Authorization: Bearer header (polling and websocket)', async () => {
    for (const transports of [['polling'], ['websocket']] as const) {
      const socket = gw.client({ transports: [...transports], extraHeaders: { Authorization: `Bearer ${await gw.token(`header-${transports[0]}`)}` } });
      await connected(socket);
      expect(socket.connected).toBe(true);
    }
  });

  it('accepts the token in ?token=', async () => {
    const socket = gw.client({ query: { token: await gw.token('query-user') } });
    await connected(socket);
    expect(socket.connected).toBe(true);
  });

  it('prefers auth.token over the header and the query', async () => {
    const socket = gw.client({ auth: { token: await gw.token('preferred') }, query: { token: 'garbage' } });
    await connected(socket);
    expect(socket.connected).toBe(true);
  });

  it('answers TOKEN_MISSING, TOKEN_INVALID and TOKEN_EXPIRED', async () => {
    expect((await connectError(gw.client())).data?.code).toBe('TOKEN_MISSING');
    expect((await connectError(gw.client({ auth: { token: '' } }))).data?.code).toBe('TOKEN_MISSING');
    expect((await connectError(gw.client({ auth: { token: 'not.a.jwt' } }))).data?.code).toBe('TOKEN_INVALID');
    const forged = await mintToken('some-other-secret-some-other-secret', { userId: 'u' });
    expect((await connectError(gw.client({ auth: { token: forged } }))).data?.code).toBe('TOKEN_INVALID');
    const expired = await mintToken(TEST_SECRET, { userId: 'u', ttlSeconds: -120 });
    const err = await connectError(gw.client({ extraHeaders: { Authorization: `Bearer ${expired}` } }));
    expect(err.data?.code).toBe('TOKEN_EXPIRED');
    expect(err.message).toMatch(/expired/i);
  });

  it('logs auth outcomes without the token', async () => {
    const token = await gw.token('logged-user');
    await connected(gw.client({ auth: { token } }));
    await connectError(gw.client({ query: { token: `${token}x` } }));
    expect(gw.logs.some((l) => l.msg === 'auth succeeded' && l.userId === 'logged-user' && l.source === 'auth')).toBe(true);
    expect(gw.logs.some((l) => l.msg === 'auth failed' && l.code === 'TOKEN_INVALID')).toBe(true);
    expect(gw.rawLogs.join('\n')).not.toContain(token.split('.')[2]);
  });
});

describe('origins in production mode', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'production', DOMAIN_URL: 'https://app.leadlovers.com' });
  });
  afterAll(() => gw.close());

  it('admits listed origins and clients without an Origin, refuses others with ORIGIN_FORBIDDEN', async () => {
    const token = await gw.token('origin-user');
    await connected(gw.client({ auth: { token }, extraHeaders: { origin: 'https://app.leadlovers.com' } }));
    await connected(gw.client({ auth: { token: await gw.token('no-origin') } }));
    const refused = await connectError(gw.client({ auth: { token }, extraHeaders: { origin: 'https://evil.example.com' } }));
    expect(refused.data?.code).toBe('ORIGIN_FORBIDDEN');
    const localhost = await connectError(gw.client({ auth: { token }, extraHeaders: { origin: 'http://localhost:3000' } }));
    expect(localhost.data?.code).toBe('ORIGIN_FORBIDDEN');
  });
});
