// Token revocation on one node (in memory) and on two nodes sharing Redis: POST /admin/revoke disconnects the user
// and refuses tokens issued before it (TOKEN_REVOKED) at the handshake and on auth-refresh, on every node; a token
// issued after it works; `pnpm kick --revoke` writes the same mark. The mark's key and TTL in Redis.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import type { AckResult, SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRevocationStore, withRevocations } from '../../src/auth/revocations.js';
import type { TokenVerifier } from '../../src/auth/verifier.js';
import { loadConfig } from '../../src/config/config.js';
import { tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { redisKeys } from '../../src/shared/redis-keys.js';
import { admin, ADMIN_ENV, adminUrl } from '../helpers/admin.js';
import { REDIS_URL, startCluster, type TestCluster } from '../helpers/cluster.js';
import { connected, connectError, nextEvent, startGateway, TEST_SECRET, type TestGateway } from '../helpers/gateway.js';
import { valueOf } from '../helpers/metrics.js';
import { eventually } from '@leadlovers/testing';

const run = promisify(execFile);
const KICK_CLI = fileURLToPath(new URL('../../src/cli/kick.ts', import.meta.url));
const nowS = () => Math.floor(Date.now() / 1000);
/** Issued a minute ago: before any mark set during the test, whichever second it falls in. */
const EARLIER = () => ({ issuedAt: nowS() - 60 });
/** Issued after any mark set so far (iat has second precision; the mark's own second is refused). */
const LATER = () => ({ issuedAt: nowS() + 1 });

describe('revocation marks', () => {
  it('refuse tokens issued before the mark, and tokens without iat, until the mark expires', async () => {
    let now = 1_000_000_000_000;
    const store = new MemoryRevocationStore(60, () => now);
    const issued = { value: null as number | null };
    const inner: TokenVerifier = { describe: 'fake', verify: async () => ({ user: { id: 'u1', account: 'a' }, expiresAt: null, issuedAt: issued.value }) };
    const verifier = withRevocations(inner, store);
    issued.value = now - 10_000;
    await expect(verifier.verify('t')).resolves.toMatchObject({ user: { id: 'u1' } });
    await store.revoke('u1', new Date(now));
    await expect(verifier.verify('t')).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    issued.value = null;
    await expect(verifier.verify('t')).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    issued.value = now;
    await expect(verifier.verify('t')).resolves.toMatchObject({ issuedAt: now });
    // An earlier revocation does not move a later mark back.
    await store.revoke('u1', new Date(now - 5_000));
    expect(await store.revokedBefore('u1')).toBe(now);
    now += 60_000;
    issued.value = 0;
    expect(await store.revokedBefore('u1')).toBeNull();
    await expect(verifier.verify('t')).resolves.toMatchObject({ issuedAt: 0 });
  });

  it('REVOCATION_TTL_S: 24 h by default, bounded', () => {
    expect(loadConfig({}).auth.revocationTtlS).toBe(86_400);
    expect(loadConfig({ REVOCATION_TTL_S: '3600' }).auth.revocationTtlS).toBe(3_600);
    expect(() => loadConfig({ REVOCATION_TTL_S: '10' })).toThrow(/REVOCATION_TTL_S/);
  });
});

describe('revocation on one node', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ ...ADMIN_ENV });
  });
  afterAll(() => gw.close());

  it('POST /admin/revoke disconnects the user; the old token is refused with TOKEN_REVOKED, a newer one works', async () => {
    const oldToken = await gw.token('rev-1', EARLIER());
    const socket = gw.client({ auth: { token: oldToken } });
    await connected(socket);
    const bystander = await gw.connect('rev-bystander', EARLIER());
    const replaced = nextEvent<SessionReplaced>(socket, 'session-replaced');
    const gone = nextEvent<string>(socket, 'disconnect');
    const before = Date.now();
    const res = await admin<{ userId: string; revokedBefore: string; ttlSeconds: number }>(gw, '/admin/revoke', { body: { userId: 'rev-1', reason: 'laptop stolen' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: 'rev-1', ttlSeconds: 86_400, disconnected: true });
    expect(Date.parse(res.body.revokedBefore)).toBeGreaterThanOrEqual(before);
    expect((await replaced).reason).toBe('admin');
    expect(await gone).toBe('io server disconnect');

    const refused = await connectError(gw.client({ auth: { token: oldToken } }));
    expect(refused.data?.code).toBe('TOKEN_REVOKED');
    expect(refused.message).toMatch(/revoked/);
    const fresh = await gw.connect('rev-1', LATER());
    expect(fresh?.connected).toBe(true);
    expect(bystander.connected).toBe(true);
    // Another user's tokens of the same age are untouched.
    await expect(gw.connect('rev-other', EARLIER())).resolves.toBeDefined();

    const metrics = await (await fetch(`${adminUrl(gw)}/metrics`)).text();
    expect(valueOf(metrics, 'gateway_auth_failures_total', { code: 'TOKEN_REVOKED' })).toBe(1);
  });

  it('auth-refresh with a revoked token is refused with TOKEN_REVOKED; the connection stays', async () => {
    const oldToken = await gw.token('rev-2', EARLIER());
    expect((await admin(gw, '/admin/revoke', { body: { userId: 'rev-2' } })).status).toBe(200);
    const socket = await gw.connect('rev-2', LATER());
    const ack = (await socket.timeout(5_000).emitWithAck('auth-refresh', { token: oldToken })) as AckResult<unknown>;
    expect(ack).toMatchObject({ ok: false, code: 'TOKEN_REVOKED' });
    expect(socket.connected).toBe(true);
  });

  it('a token without iat is refused while a mark is in force, accepted for other users', async () => {
    const noIat = (sub: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setExpirationTime(nowS() + 600)
        .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await admin(gw, '/admin/revoke', { body: { userId: 'rev-3' } })).status).toBe(200);
    expect((await connectError(gw.client({ auth: { token: await noIat('rev-3') } }))).data?.code).toBe('TOKEN_REVOKED');
    await connected(gw.client({ auth: { token: await noIat('rev-3-other') } }));
  });

  it('refuses a bad revoke body with 400 INVALID_PAYLOAD', async () => {
    const res = await admin<{ code: string; message: string }>(gw, '/admin/revoke', { body: { user: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_PAYLOAD');
    expect(res.body.message).toMatch(/userId/);
  });
});

describe('revocation across two nodes over Redis', () => {
  let cluster: TestCluster;
  const node = (i: number) => cluster.nodes[i]!;
  beforeAll(async () => {
    cluster = await startCluster(2, { ...ADMIN_ENV, REVOCATION_TTL_S: '7200' });
  });
  afterAll(() => cluster.close());

  it('a revoke asked of node 0 disconnects the user on node 1, and both nodes refuse the old token', async () => {
    const oldToken = await node(1).token('crev-1', EARLIER());
    const socket = node(1).client({ auth: { token: oldToken } });
    await connected(socket);
    const gone = nextEvent<string>(socket, 'disconnect');
    expect((await admin(node(0), '/admin/revoke', { body: { userId: 'crev-1' } })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');

    const key = redisKeys.revokedBefore(cluster.prefix, 'crev-1');
    expect(key).toBe(`${cluster.prefix}ws:revoked:{crev-1}`);
    const ttl = await cluster.redis.ttl(key);
    expect(ttl).toBeGreaterThan(7_000);
    expect(ttl).toBeLessThanOrEqual(7_200);

    for (const i of [0, 1]) {
      expect((await connectError(node(i).client({ auth: { token: oldToken } }))).data?.code).toBe('TOKEN_REVOKED');
    }
    // A token freshly issued (as by the SSO after a new sign-in) works as soon as its second is past the mark's.
    const fresh = await eventually(async () => {
      const attempt = node(1).client({ auth: { token: await node(1).token('crev-1') } });
      return connected(attempt).then(
        () => attempt,
        () => null,
      );
    }, 40, 100);
    expect(fresh?.connected).toBe(true);
  });

  it('pnpm kick --revoke records the mark and kicks the user on every node', async () => {
    const oldToken = await node(0).token('crev-cli', EARLIER());
    const socket = node(0).client({ auth: { token: oldToken } });
    await connected(socket);
    await eventually(async () => (await cluster.redis.get(`${cluster.prefix}ws:user:connection:crev-cli`)) === socket.id);
    const replaced = nextEvent<SessionReplaced>(socket, 'session-replaced', 20_000);
    const { stdout } = await run(process.execPath, ['--import', tsxLoader(), KICK_CLI, 'crev-cli', '--revoke'], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL, REDIS_KEY_PREFIX: cluster.prefix, REVOCATION_TTL_S: '600' },
      timeout: 20_000,
    });
    expect(stdout).toMatch(/tokens of user crev-cli issued before .* are revoked for 600 s/);
    expect(stdout).toMatch(/kick published for user crev-cli to 2 gateway node/);
    expect((await replaced).reason).toBe('admin');
    expect(await cluster.redis.ttl(redisKeys.revokedBefore(cluster.prefix, 'crev-cli'))).toBeLessThanOrEqual(600);
    for (const i of [0, 1]) {
      expect((await connectError(node(i).client({ auth: { token: oldToken } }))).data?.code).toBe('TOKEN_REVOKED');
    }
    await expect(node(1).connect('crev-cli', LATER())).resolves.toBeDefined();
  }, 30_000);
});
