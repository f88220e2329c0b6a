// Verifies JWTs with jose against an explicit algorithm allow-list: HS256 with API_SECRET, RS256/ES256 with keys
// from a JWKS URL (jwks-cache.ts: cached, storm-free). Maps every failure to TOKEN_INVALID or TOKEN_EXPIRED and
// the claims to an AuthenticatedUser. An HS256 token is only ever checked against API_SECRET (no key confusion).
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { AuthenticatedUser } from '@leadlovers/protocol';
import { GatewayError } from '../shared/errors.js';
import { createJwksCache, type JwksCacheOptions } from './jwks-cache.js';

export const MAX_TOKEN_BYTES = 8_192;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'] as const;

export interface VerifiedToken {
  user: AuthenticatedUser;
  /** Expiry in epoch milliseconds, or null when the token has no exp claim. */
  expiresAt: number | null;
  /** The iat claim in epoch milliseconds (second precision), or null without one (revocations.ts). */
  issuedAt: number | null;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
  /** Which keys this verifier trusts, for the start-up log. */
  readonly describe: string;
}

export interface VerifierOptions {
  secret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  clockToleranceS?: number;
  /** Refuse tokens without an exp claim (default true; JWT_REQUIRE_EXP=false for an SSO that issues them). */
  requireExp?: boolean;
  /** Refuse tokens whose exp - iat (exp - now without iat) is longer than this many seconds (JWT_MAX_TTL_S). */
  maxTtlS?: number | undefined;
  /** JWKS fetch timeout, cooldown and max age (defaults: 5 s, 30 s, 10 min). */
  jwks?: Omit<JwksCacheOptions, 'now'>;
  /** Clock used for exp/nbf/iat checks and the JWKS cache (tests freeze it); default: the real clock. */
  now?: () => Date;
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  // Imported once: given the raw bytes, jose imports a WebCrypto key on every verification (every handshake).
  const hmacKey = secret ? crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']) : undefined;
  // A key that cannot be imported fails each verification (TOKEN_INVALID), not the process.
  hmacKey?.catch(() => undefined);
  const now = options.now;
  const jwks = options.jwksUrl
    ? createJwksCache(new URL(options.jwksUrl), { ...options.jwks, ...(now ? { now: () => now().getTime() } : {}) }).getKey
    : undefined;
  if (!secret && !jwks) throw new Error('createTokenVerifier needs a secret or a JWKS URL');

  const common = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    clockTolerance: options.clockToleranceS ?? 5,
  };
  const lifetime = { requireExp: options.requireExp ?? true, maxTtlS: options.maxTtlS };
  const clock = () => (now ? { currentDate: now() } : {});

  async function verify(token: string): Promise<VerifiedToken> {
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw new GatewayError('TOKEN_INVALID', 'Token is too large');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new GatewayError('TOKEN_INVALID', 'Token is malformed');
    }
    try {
      let payload: JWTPayload;
      if (alg === 'HS256' && hmacKey) {
        ({ payload } = await jwtVerify(token, await hmacKey, { ...common, ...clock(), algorithms: ['HS256'] }));
      } else if (alg && (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg) && jwks) {
        ({ payload } = await jwtVerify(token, jwks, { ...common, ...clock(), algorithms: [...ASYMMETRIC_ALGORITHMS] }));
      } else {
        throw new GatewayError('TOKEN_INVALID', `Token algorithm ${String(alg)} is not accepted`);
      }
      checkLifetime(payload, lifetime, now?.() ?? new Date());
      return {
        user: toUser(payload),
        expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
        issuedAt: typeof payload.iat === 'number' ? payload.iat * 1000 : null,
      };
    } catch (err) {
      throw toAuthError(err);
    }
  }

  const trusted = [secret ? 'HS256 (API_SECRET)' : null, jwks ? `RS256/ES256 (${options.jwksUrl})` : null].filter(Boolean);
  return { verify, describe: trusted.join(' + ') };
}

/** A token without exp would live forever; one minted for longer than JWT_MAX_TTL_S is refused too. */
function checkLifetime(payload: JWTPayload, { requireExp, maxTtlS }: { requireExp: boolean; maxTtlS: number | undefined }, at: Date): void {
  if (typeof payload.exp !== 'number') {
    if (requireExp) throw new GatewayError('TOKEN_INVALID', 'Token has no exp claim: exp is required');
    return;
  }
  if (maxTtlS === undefined) return;
  const from = typeof payload.iat === 'number' ? payload.iat : Math.floor(at.getTime() / 1000);
  if (payload.exp - from > maxTtlS) {
    throw new GatewayError('TOKEN_INVALID', `Token lifetime (exp - iat) is longer than the ${maxTtlS} s allowed (JWT_MAX_TTL_S)`);
  }
}

function toUser(payload: JWTPayload): AuthenticatedUser {
  const id = payload.sub;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
    throw new GatewayError('TOKEN_INVALID', 'Token has no valid sub claim');
  }
  const account = payload.account;
  const accountId = typeof account === 'string' || typeof account === 'number' ? String(account) : id;
  if (accountId.length === 0 || accountId.length > 128) throw new GatewayError('TOKEN_INVALID', 'Token has an invalid account claim');
  const user: AuthenticatedUser = { id, account: accountId };
  if (typeof payload.email === 'string') user.email = payload.email;
  if (typeof payload.name === 'string') user.name = payload.name;
  return user;
}

function toAuthError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof errors.JWTExpired) return new GatewayError('TOKEN_EXPIRED', 'Token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    return new GatewayError('TOKEN_INVALID', `Token claim "${err.claim}" is not accepted`);
  }
  if (err instanceof errors.JWKSNoMatchingKey) return new GatewayError('TOKEN_INVALID', 'Token was signed by an unknown key');
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) {
    // The key set could not be fetched (SSO slow or down): the token is not verifiable now.
    return new GatewayError('TOKEN_INVALID', 'Token could not be verified');
  }
  return new GatewayError('TOKEN_INVALID', 'Token signature or format is invalid');
}
