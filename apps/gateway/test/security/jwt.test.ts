// JWT attacks against the verifier and through a real gateway: alg none, HS/RS key confusion, tampering, exp/nbf
// around the clock tolerance, iss/aud, size, unknown kid, and a JWKS endpoint that is slow, down or serves garbage
// (cached keys keep working, rotation is picked up, no fetch storm). Each refusal: its code, the metric, no token in logs.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import { createTokenVerifier, type VerifierOptions } from '../../src/auth/verifier.js';
import { GatewayError } from '../../src/shared/errors.js';
import { connectError, connected, startGateway, TEST_SECRET, type TestGateway } from '../helpers/gateway.js';
import { scrape, valueOf } from '../helpers/metrics.js';
import { codeReader } from '@leadlovers/testing';
import { closeServer, listenLocal } from '../helpers/http.js';
import { record } from '../faults/ledger.js';

const codeOf = codeReader(GatewayError);

const SECRET = 'jwt-suite-secret-that-is-long-enough-0123456789';
const ISS = 'https://sso.test';
const AUD = 'gateway';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

type Mode = 'ok' | 'slow' | 'down' | 'garbage' | 'bad-shape';

/** A local JWKS endpoint whose behaviour the test switches; counts every request. */
interface JwksServer {
  url: string;
  keys: JWK[];
  mode: Mode;
  requests: number;
  close(): Promise<void>;
}

async function startJwks(keys: JWK[]): Promise<JwksServer> {
  const state = { keys, mode: 'ok' as Mode, requests: 0 };
  const server: Server = createServer((_req, res) => {
    state.requests += 1;
    if (state.mode === 'slow') {
      const timer = setTimeout(() => res.end(JSON.stringify({ keys: state.keys })), 3_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (state.mode === 'down') {
      res.writeHead(503).end('unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (state.mode === 'garbage') res.end('<html>oops</html>');
    else if (state.mode === 'bad-shape') res.end(JSON.stringify({ keys: 'nope' }));
    else res.end(JSON.stringify({ keys: state.keys }));
  });
  const url = `${await listenLocal(server)}/.well-known/jwks.json`;
  return Object.assign(state, {
    url,
    close: () => closeServer(server),
  }) as JwksServer;
}

describe('JWT attacks against the verifier', () => {
  let jwks: JwksServer;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let rsaJwk: JWK;
  let clock = Date.now();
  const now = () => new Date(clock);
  const make = (over: Partial<VerifierOptions> = {}) =>
    createTokenVerifier({
      secret: SECRET,
      jwksUrl: jwks.url,
      issuer: ISS,
      audience: AUD,
      clockToleranceS: 5,
      now,
      jwks: { timeoutMs: 300, cooldownMs: 1_000, maxAgeMs: 60_000 },
      ...over,
    });

  const signRs = (kid: string, key: CryptoKey = rsa.privateKey, claims: Record<string, unknown> = {}) =>
    new SignJWT({ account: 'acc', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('sso-user')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setIssuedAt(Math.floor(clock / 1000))
      .setExpirationTime(Math.floor(clock / 1000) + 300)
      .sign(key);

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    jwks = await startJwks([rsaJwk]);
  });
  afterAll(() => jwks.close());

  it('rejects alg none (with and without a signature part)', async () => {
    const v = make();
    const body = b64({ sub: 'u1', iss: ISS, aud: AUD, exp: Math.floor(clock / 1000) + 60 });
    let attacks = 0;
    for (const alg of ['none', 'None', 'NONE']) {
      expect(await codeOf(v.verify(`${b64({ alg, typ: 'JWT' })}.${body}.`))).toBe('TOKEN_INVALID');
      expect(await codeOf(v.verify(`${b64({ alg, typ: 'JWT' })}.${body}.c2ln`))).toBe('TOKEN_INVALID');
      attacks += 2;
    }
    record({ scenario: 'jwt: alg none', attacks });
  });

  it('rejects HS/RS key confusion: the RS256 public key (PEM, JWK) used as an HS256 secret', async () => {
    const v = make();
    const pem = await exportSPKI(rsa.publicKey);
    const secrets = [pem, pem.trim(), JSON.stringify(rsaJwk), JSON.stringify(await exportJWK(rsa.publicKey)), rsaJwk.n ?? ''];
    for (const material of secrets) {
      const hs = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setSubject('attacker')
        .setIssuer(ISS)
        .setAudience(AUD)
        .setExpirationTime(Math.floor(clock / 1000) + 60)
        .sign(new TextEncoder().encode(material));
      expect(await codeOf(v.verify(hs))).toBe('TOKEN_INVALID');
      // The same HMAC signature under an RS256 header: the signature must verify as RSA, which it cannot.
      const input = `${b64({ alg: 'RS256', kid: 'rsa-1' })}.${hs.split('.')[1]}`;
      const forged = `${input}.${createHmac('sha256', material).update(input).digest('base64url')}`;
      expect(await codeOf(v.verify(forged))).toBe('TOKEN_INVALID');
    }
    // Control: the genuine RS256 token verifies with the same verifier.
    expect(await codeOf(v.verify(await signRs('rsa-1')))).toBe('OK');
    record({ scenario: 'jwt: HS/RS key confusion', attacks: secrets.length * 2 });
  });

  it('rejects a tampered payload and a tampered signature (HS256 and RS256)', async () => {
    const v = make();
    let attacks = 0;
    for (const token of [await mintToken(SECRET, { userId: 'u1', issuer: ISS, audience: AUD }), await signRs('rsa-1')]) {
      const [h, p, s] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const tamperedPayload = `${h}.${b64({ ...claims, sub: 'admin' })}.${s}`;
      const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
      expect(await codeOf(v.verify(tamperedPayload))).toBe('TOKEN_INVALID');
      expect(await codeOf(v.verify(`${h}.${p}.${flipped}`))).toBe('TOKEN_INVALID');
      expect(await codeOf(v.verify(`${h}.${p}.`))).toBe('TOKEN_INVALID');
      attacks += 3;
      expect(await codeOf(v.verify(token))).toBe('OK');
    }
    record({ scenario: 'jwt: tampered payload/signature', attacks });
  });

  it('exp and nbf: accepted just inside the 5 s tolerance, refused just outside (frozen clock)', async () => {
    clock = Date.UTC(2030, 0, 1, 12, 0, 0);
    const v = make();
    const t = Math.floor(clock / 1000);
    const hs = (claims: { exp?: number; nbf?: number }) => {
      let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuer(ISS).setAudience(AUD).setIssuedAt(t - 600);
      jwt = jwt.setExpirationTime(claims.exp ?? t + 600);
      if (claims.nbf !== undefined) jwt = jwt.setNotBefore(claims.nbf);
      return jwt.sign(new TextEncoder().encode(SECRET));
    };
    expect(await codeOf(v.verify(await hs({ exp: t - 4 })))).toBe('OK');
    expect(await codeOf(v.verify(await hs({ exp: t - 6 })))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(v.verify(await hs({ nbf: t + 4 })))).toBe('OK');
    expect(await codeOf(v.verify(await hs({ nbf: t + 6 })))).toBe('TOKEN_INVALID');
    expect(await codeOf(v.verify(await hs({ nbf: t + 3600 })))).toBe('TOKEN_INVALID');
    clock = Date.now();
    // The three refused tokens; the two inside the tolerance are controls.
    record({ scenario: 'jwt: exp/nbf around the tolerance', attacks: 3 });
  });

  it('exp is required by default; requireExp false lets an SSO omit it; maxTtlS bounds exp - iat (frozen clock)', async () => {
    clock = Date.UTC(2030, 0, 1, 12, 0, 0);
    const t = Math.floor(clock / 1000);
    const hs = (claims: { iat?: number; exp?: number }) => {
      let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuer(ISS).setAudience(AUD);
      if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
      if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
      return jwt.sign(new TextEncoder().encode(SECRET));
    };
    const forever = await hs({ iat: t });
    const refused = await make().verify(forever).catch((err: unknown) => err as GatewayError);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).code).toBe('TOKEN_INVALID');
    expect((refused as GatewayError).message).toMatch(/exp is required/);
    expect(await codeOf(make().verify(await hs({})))).toBe('TOKEN_INVALID');
    const lenient = await make({ requireExp: false }).verify(forever);
    expect(lenient).toMatchObject({ user: { id: 'u1' }, expiresAt: null });

    const bounded = make({ maxTtlS: 3_600 });
    expect(await codeOf(bounded.verify(await hs({ iat: t, exp: t + 3_600 })))).toBe('OK');
    const tooLong = await bounded.verify(await hs({ iat: t, exp: t + 3_601 })).catch((err: unknown) => err as GatewayError);
    expect((tooLong as GatewayError).code).toBe('TOKEN_INVALID');
    expect((tooLong as GatewayError).message).toMatch(/JWT_MAX_TTL_S/);
    // Without iat the lifetime counts from now, so a missing iat does not dodge the bound.
    expect(await codeOf(bounded.verify(await hs({ exp: t + 7_200 })))).toBe('TOKEN_INVALID');
    expect(await codeOf(bounded.verify(await hs({ exp: t + 600 })))).toBe('OK');
    // A bound without exp required still refuses nothing for lack of exp (the SSO's choice), and the default has no bound.
    expect(await codeOf(make({ requireExp: false, maxTtlS: 60 }).verify(forever))).toBe('OK');
    expect(await codeOf(make().verify(await hs({ iat: t, exp: t + 365 * 86_400 })))).toBe('OK');
    clock = Date.now();
    record({ scenario: 'jwt: tokens without exp, and over JWT_MAX_TTL_S', attacks: 5 });
  });

  it('rejects wrong iss and aud, missing iss/aud, oversized tokens and unknown kid', async () => {
    const v = make();
    expect(await codeOf(v.verify(await mintToken(SECRET, { userId: 'u1', issuer: 'https://evil.test', audience: AUD })))).toBe('TOKEN_INVALID');
    expect(await codeOf(v.verify(await mintToken(SECRET, { userId: 'u1', issuer: ISS, audience: 'other' })))).toBe('TOKEN_INVALID');
    expect(await codeOf(v.verify(await mintToken(SECRET, { userId: 'u1' })))).toBe('TOKEN_INVALID');
    // A correctly signed token, just too large (> 8 KiB).
    const big = await mintToken(SECRET, { userId: 'u1', issuer: ISS, audience: AUD, name: 'x'.repeat(9_000) });
    expect(big.length).toBeGreaterThan(8_192);
    expect(await codeOf(v.verify(big))).toBe('TOKEN_INVALID');
    const stranger = await generateKeyPair('RS256');
    expect(await codeOf(v.verify(await signRs('unknown-kid', stranger.privateKey)))).toBe('TOKEN_INVALID');
    expect(await codeOf(v.verify(await signRs('rsa-1', stranger.privateKey)))).toBe('TOKEN_INVALID');
    record({ scenario: 'jwt: iss/aud/size/unknown kid', attacks: 6 });
  });

  it('a cached kid keeps verifying while the JWKS endpoint is slow, down or serves garbage, even past max age', async () => {
    clock = Date.now();
    const v = make({ jwks: { timeoutMs: 200, cooldownMs: 1_000, maxAgeMs: 5_000 } });
    expect(await codeOf(v.verify(await signRs('rsa-1')))).toBe('OK');
    const modes = ['slow', 'down', 'garbage', 'bad-shape'] as const;
    for (const mode of modes) {
      jwks.mode = mode;
      clock += 10_000; // past maxAge and cooldown: the cache tries to refresh, fails, keeps the old set
      const before = jwks.requests;
      const started = Date.now();
      expect(await codeOf(v.verify(await signRs('rsa-1')))).toBe('OK');
      expect(jwks.requests).toBe(before + 1);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    jwks.mode = 'ok';
    record({ scenario: 'jwt: JWKS slow/down/garbage, cached kid', faults: modes.length });
  });

  it('a fresh verifier with an unreachable, slow or garbage JWKS refuses RS256 tokens with TOKEN_INVALID, bounded in time', async () => {
    const dead = await startJwks([rsaJwk]);
    const deadUrl = dead.url;
    await dead.close();
    for (const mode of ['slow', 'down', 'garbage'] as const) {
      jwks.mode = mode;
      const started = Date.now();
      expect(await codeOf(make().verify(await signRs('rsa-1')))).toBe('TOKEN_INVALID');
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    jwks.mode = 'ok';
    expect(await codeOf(make({ jwksUrl: deadUrl }).verify(await signRs('rsa-1')))).toBe('TOKEN_INVALID');
    record({ scenario: 'jwt: JWKS unreachable, cold verifier', faults: 4 });
    // HS256 tokens do not depend on the JWKS at all.
    expect(await codeOf(make({ jwksUrl: deadUrl }).verify(await mintToken(SECRET, { userId: 'u1', issuer: ISS, audience: AUD })))).toBe('OK');
  });

  it('picks up a rotated key once the cooldown has passed, and then refuses the removed one only by kid', async () => {
    clock = Date.now();
    const v = make();
    expect(await codeOf(v.verify(await signRs('rsa-1')))).toBe('OK');
    const next = await generateKeyPair('RS256', { extractable: true });
    jwks.keys = [{ ...(await exportJWK(next.publicKey)), kid: 'rsa-2', alg: 'RS256', use: 'sig' }, rsaJwk];
    const before = jwks.requests;
    // Within the cooldown after the first fetch the unknown kid is refused without a fetch...
    expect(await codeOf(v.verify(await signRs('rsa-2', next.privateKey)))).toBe('TOKEN_INVALID');
    expect(jwks.requests).toBe(before);
    // ...after it, the new kid is fetched once and accepted, and stays cached.
    clock += 1_500;
    expect(await codeOf(v.verify(await signRs('rsa-2', next.privateKey)))).toBe('OK');
    expect(await codeOf(v.verify(await signRs('rsa-2', next.privateKey)))).toBe('OK');
    expect(jwks.requests).toBe(before + 1);
    jwks.keys = [rsaJwk];
    // One refusal: the rotated kid before the cooldown let the verifier look it up.
    record({ scenario: 'jwt: key rotation', attacks: 1 });
  });

  it('no request storm: 200 concurrent unknown-kid tokens cause at most one fetch per cooldown', async () => {
    clock = Date.now();
    const v = make();
    expect(await codeOf(v.verify(await signRs('rsa-1')))).toBe('OK');
    const stranger = await generateKeyPair('RS256');
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => signRs(`kid-${i}`, stranger.privateKey)));
    clock += 1_500;
    const before = jwks.requests;
    const codes = await Promise.all(tokens.map((t) => codeOf(v.verify(t))));
    expect(new Set(codes)).toEqual(new Set(['TOKEN_INVALID']));
    expect(jwks.requests - before).toBeLessThanOrEqual(1);
    // Same with a cold verifier (no key set yet) and the endpoint down: bounded fetches, all refused.
    jwks.mode = 'down';
    const cold = make();
    const coldBefore = jwks.requests;
    const coldCodes = await Promise.all(tokens.map((t) => codeOf(cold.verify(t))));
    expect(new Set(coldCodes)).toEqual(new Set(['TOKEN_INVALID']));
    expect(jwks.requests - coldBefore).toBeLessThanOrEqual(1);
    jwks.mode = 'ok';
    record({ scenario: 'jwt: unknown-kid request storm', attacks: tokens.length * 2, faults: 1 });
  });
});

describe('JWT attacks through a gateway (JWKS + API_SECRET)', () => {
  let jwks: JwksServer;
  let gw: TestGateway;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let rsaJwk: JWK;
  const signRs = (kid: string, key: CryptoKey = rsa.privateKey) =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setSubject('sso-user').setExpirationTime('5m').sign(key);

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'gw-rsa-1', alg: 'RS256', use: 'sig' };
    jwks = await startJwks([rsaJwk]);
    gw = await startGateway({ JWKS_URL: jwks.url });
  });
  afterAll(async () => {
    await gw.close();
    await jwks.close();
  });

  it('each attack is refused with its code, counted in gateway_auth_failures_total, and never logged', async () => {
    const t = Math.floor(Date.now() / 1000);
    const pem = await exportSPKI(rsa.publicKey);
    const good = await gw.token('victim');
    const [gh, gp, gs] = good.split('.') as [string, string, string];
    const stranger = await generateKeyPair('RS256');
    const attacks: Array<[string, string, 'TOKEN_INVALID' | 'TOKEN_EXPIRED']> = [
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin', exp: t + 60 })}.`, 'TOKEN_INVALID'],
      [
        'key confusion',
        await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'gw-rsa-1' }).setSubject('admin').setExpirationTime('5m').sign(new TextEncoder().encode(pem)),
        'TOKEN_INVALID',
      ],
      ['tampered payload', `${gh}.${b64({ sub: 'admin', exp: t + 3600 })}.${gs}`, 'TOKEN_INVALID'],
      ['tampered signature', `${gh}.${gp}.${gs.slice(0, -4)}AAAA`, 'TOKEN_INVALID'],
      ['expired', await mintToken(TEST_SECRET, { userId: 'u', ttlSeconds: -60 }), 'TOKEN_EXPIRED'],
      [
        'not yet valid',
        await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setNotBefore(t + 600).setExpirationTime(t + 3600).sign(new TextEncoder().encode(TEST_SECRET)),
        'TOKEN_INVALID',
      ],
      ['oversized', await mintToken(TEST_SECRET, { userId: 'u', name: 'x'.repeat(9_000) }), 'TOKEN_INVALID'],
      ['unknown kid', await signRs('nobody-knows', stranger.privateKey), 'TOKEN_INVALID'],
    ];
    for (const [label, token, code] of attacks) {
      const before = valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code });
      const err = await connectError(gw.client({ auth: { token } }));
      expect(err.data?.code, label).toBe(code);
      const after = valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code });
      expect(after, label).toBe(before + 1);
      const raw = gw.rawLogs.join('\n');
      expect(raw.includes(token), label).toBe(false);
      const signature = token.split('.')[2];
      if (signature && signature.length > 8) expect(raw.includes(signature), label).toBe(false);
    }
    // The genuine tokens still get in, HS256 and RS256.
    await connected(gw.client({ auth: { token: good } }));
    await connected(gw.client({ auth: { token: await signRs('gw-rsa-1') } }));
    record({ scenario: 'jwt: hostile handshakes through a gateway', attacks: attacks.length });
  });

  it('a cached kid keeps connecting after the JWKS endpoint goes down', async () => {
    await connected(gw.client({ auth: { token: await signRs('gw-rsa-1') } }));
    await jwks.close();
    await connected(gw.client({ auth: { token: await signRs('gw-rsa-1') } }));
    const err = await connectError(gw.client({ auth: { token: await signRs('gw-rsa-2') } }));
    expect(err.data?.code).toBe('TOKEN_INVALID');
    record({ scenario: 'jwt: gateway with JWKS down', attacks: 1, faults: 1 });
  });
});

describe('tokens without exp through a gateway (JWT_REQUIRE_EXP, JWT_MAX_TTL_S)', () => {
  const noExp = (userId: string) =>
    new SignJWT({ account: 'acc' }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().sign(new TextEncoder().encode(TEST_SECRET));

  it('by default: refused with TOKEN_INVALID saying exp is required, counted, and also on auth-refresh', async () => {
    const gw = await startGateway({ JWT_MAX_TTL_S: '7200' });
    try {
      const before = valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'TOKEN_INVALID' });
      const err = await connectError(gw.client({ auth: { token: await noExp('forever') } }));
      expect(err.data?.code).toBe('TOKEN_INVALID');
      expect(err.message).toMatch(/exp is required/);
      const long = await mintToken(TEST_SECRET, { userId: 'long-lived', ttlSeconds: 7_201 });
      const err2 = await connectError(gw.client({ auth: { token: long } }));
      expect(err2.data?.code).toBe('TOKEN_INVALID');
      expect(err2.message).toMatch(/JWT_MAX_TTL_S/);
      expect(valueOf(await scrape(gw.url), 'gateway_auth_failures_total', { code: 'TOKEN_INVALID' })).toBe(before + 2);
      // A live socket cannot trade its token for one that never expires either.
      const socket = await gw.connect('forever');
      const answer = (await socket.timeout(5_000).emitWithAck('auth-refresh', { token: await noExp('forever') })) as { ok: boolean; code?: string };
      expect(answer).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
      await connected(gw.client({ auth: { token: await mintToken(TEST_SECRET, { userId: 'hour', ttlSeconds: 3_600 }) } }));
    } finally {
      await gw.close();
    }
    record({ scenario: 'jwt: no-exp and over-long tokens through a gateway', attacks: 3 });
  });

  it('JWT_REQUIRE_EXP=false: a token without exp connects and is served', async () => {
    const gw = await startGateway({ JWT_REQUIRE_EXP: 'false' });
    try {
      const socket = gw.client({ auth: { token: await noExp('sso-user') } });
      await connected(socket);
      const answer = (await socket.timeout(10_000).emitWithAck('list-tools')) as { ok: boolean };
      expect(answer.ok).toBe(true);
    } finally {
      await gw.close();
    }
  });
});
