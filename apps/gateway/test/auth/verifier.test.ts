// Token verification without a server: HS256 with a secret, RS256/ES256 from a local JWKS server, claims,
// iss/aud, expiry, and the algorithm allow-list.
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, parseTtl } from '../../src/auth/mint.js';
import { createTokenVerifier } from '../../src/auth/verifier.js';
import { codeReader } from '@leadlovers/testing';
import { GatewayError } from '../../src/shared/errors.js';
import { closeServer, listenLocal } from '../helpers/http.js';

const codeOf = codeReader(GatewayError);

const SECRET = 'test-secret-that-is-long-enough-0123456789';

describe('HS256 verifier', () => {
  const verifier = createTokenVerifier({ secret: SECRET, issuer: 'https://sso.test', audience: 'gateway' });
  const mint = (over: Partial<Parameters<typeof mintToken>[1]> = {}) =>
    mintToken(SECRET, { userId: 'u1', account: 'acc-1', email: 'u1@x.com', name: 'U One', issuer: 'https://sso.test', audience: 'gateway', ...over });

  it('maps claims to the user', async () => {
    const { user, expiresAt } = await verifier.verify(await mint());
    expect(user).toEqual({ id: 'u1', account: 'acc-1', email: 'u1@x.com', name: 'U One' });
    expect(expiresAt).toBeGreaterThan(Date.now());
  });

  it('uses the user id as account when the claim is absent', async () => {
    const { user } = await verifier.verify(await mint({ account: undefined }));
    expect(user.account).toBe('u1');
  });

  it('rejects expired, wrongly signed, wrong iss/aud and malformed tokens with their codes', async () => {
    expect(await codeOf(verifier.verify(await mint({ ttlSeconds: -60 })))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(verifier.verify(await mintToken('another-secret-another-secret-123', { userId: 'u1', issuer: 'https://sso.test', audience: 'gateway' })))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier.verify(await mint({ issuer: 'https://evil.test' })))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier.verify(await mint({ audience: 'other' })))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier.verify('not-a-jwt'))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier.verify('a'.repeat(10_000)))).toBe('TOKEN_INVALID');
  });

  it('rejects alg none and a token without sub', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'u1', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    expect(await codeOf(verifier.verify(`${header}.${body}.`))).toBe('TOKEN_INVALID');
    const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://sso.test').setAudience('gateway').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(verifier.verify(noSub))).toBe('TOKEN_INVALID');
  });

  it('parses TTLs', () => {
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('15m')).toBe(900);
    expect(parseTtl('1h')).toBe(3600);
    expect(parseTtl('7d')).toBe(604_800);
    expect(() => parseTtl('soon')).toThrow(/TTL/);
  });
});

describe('JWKS verifier (RS256 and ES256 from a local JWKS server)', () => {
  let server: Server;
  let jwksUrl: string;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let requests = 0;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    jwksUrl = `${await listenLocal(server)}/.well-known/jwks.json`;
  });
  afterAll(() => closeServer(server));

  const sign = (key: CryptoKey, alg: string, kid: string) =>
    new SignJWT({ account: 42, email: 'a@b.com' }).setProtectedHeader({ alg, kid }).setSubject('sso-user').setExpirationTime('5m').sign(key);

  it('accepts RS256 and ES256 tokens signed by keys in the set, and caches the set', async () => {
    const verifier = createTokenVerifier({ jwksUrl });
    const rs = await verifier.verify(await sign(rsa.privateKey, 'RS256', 'rsa-1'));
    expect(rs.user).toEqual({ id: 'sso-user', account: '42', email: 'a@b.com' });
    const es = await verifier.verify(await sign(ec.privateKey, 'ES256', 'ec-1'));
    expect(es.user.id).toBe('sso-user');
    expect(requests).toBe(1);
  });

  it('rejects an unknown key, and an HS256 token when only a JWKS is configured', async () => {
    const verifier = createTokenVerifier({ jwksUrl });
    const stranger = await generateKeyPair('RS256');
    expect(await codeOf(verifier.verify(await sign(stranger.privateKey, 'RS256', 'rsa-1')))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier.verify(await mintToken(SECRET, { userId: 'u1' })))).toBe('TOKEN_INVALID');
  });
});
