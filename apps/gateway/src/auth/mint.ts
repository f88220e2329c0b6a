// Mints HS256 tokens: the dev-mode token printed at start-up, `pnpm mint-token`, and tests.
import { SignJWT } from 'jose';

export interface MintOptions {
  userId: string;
  account?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  /** Lifetime in seconds (default one hour), counted from issuedAt. */
  ttlSeconds?: number;
  /** The iat claim in epoch seconds (default now); tests place a token before or after a revocation with it. */
  issuedAt?: number;
  issuer?: string | undefined;
  audience?: string | undefined;
}

export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  const claims: Record<string, string> = {};
  if (options.account) claims.account = options.account;
  if (options.email) claims.email = options.email;
  if (options.name) claims.name = options.name;
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt(options.issuedAt ?? Math.floor(Date.now() / 1000))
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3600));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** Parses "90", "90s", "15m", "1h", "7d" into seconds. */
export function parseTtl(value: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) throw new Error(`Invalid TTL "${value}": use e.g. 900, 15m, 1h or 7d`);
  const amount = Number(match[1]);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (amount <= 0) throw new Error('TTL must be positive');
  return amount * unit;
}
