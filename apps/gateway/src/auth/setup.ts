// Chooses how tokens are verified. With API_SECRET or a JWKS/SSO URL configured, those. Otherwise, outside
// production only, dev mode: an ephemeral random secret, so a fresh checkout works with a printed dev token.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { createTokenVerifier, type TokenVerifier } from './verifier.js';

export interface AuthSetup {
  verifier: TokenVerifier;
  /** Set only in dev mode: the ephemeral secret the printed dev token is signed with. */
  devSecret: string | undefined;
}

export function setupAuth(config: Config): AuthSetup {
  const { auth } = config;
  if (auth.secret || auth.jwksUrl) {
    return { verifier: createTokenVerifier({ ...auth }), devSecret: undefined };
  }
  if (config.env === 'production') {
    // config.ts refuses this already; kept as a guard for callers that build a Config by hand.
    throw new Error('Refusing to start in production without API_SECRET, JWKS_URL or SSO_API_URL');
  }
  const devSecret = randomBytes(32).toString('base64url');
  return { verifier: createTokenVerifier({ ...auth, secret: devSecret }), devSecret };
}
