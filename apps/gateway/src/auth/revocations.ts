// Token revocation ("log this user out everywhere"): a mark per user saying that tokens issued before a moment are
// refused (TOKEN_REVOKED), whatever their exp, on every node. A handshake (and auth-refresh) reads the mark once:
// one GET in Redis, a Map lookup without it. The mark lives as long as the longest token lifetime
// (REVOCATION_TTL_S): past that, every token it refused has expired anyway.
import type { Logger } from 'pino';
import { GatewayError } from '../shared/errors.js';
import type { RedisClient } from '../shared/redis.js';
import { redisKeys } from '../shared/redis-keys.js';
import type { TokenVerifier, VerifiedToken } from './verifier.js';

export interface RevocationStore {
  /** Tokens of userId issued before `at` are refused from now on, for ttlSeconds. */
  revoke(userId: string, at: Date): Promise<void>;
  /** The user's mark in epoch milliseconds, or null when none is in force. */
  revokedBefore(userId: string): Promise<number | null>;
  readonly ttlSeconds: number;
}

export class MemoryRevocationStore implements RevocationStore {
  private readonly marks = new Map<string, { before: number; expiresAt: number }>();

  constructor(
    readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async revoke(userId: string, at: Date): Promise<void> {
    const now = this.now();
    // Revocations are rare admin acts: sweeping the expired ones on each keeps the map bounded by the TTL.
    for (const [id, mark] of this.marks) if (mark.expiresAt <= now) this.marks.delete(id);
    const before = Math.max(at.getTime(), this.marks.get(userId)?.before ?? 0);
    this.marks.set(userId, { before, expiresAt: now + this.ttlSeconds * 1000 });
  }

  async revokedBefore(userId: string): Promise<number | null> {
    const mark = this.marks.get(userId);
    if (!mark) return null;
    if (mark.expiresAt <= this.now()) {
      this.marks.delete(userId);
      return null;
    }
    return mark.before;
  }
}

/** Writes a mark (the gateway's store and `pnpm kick --revoke` share this, so both write the same key and value). */
export async function recordRevocation(redis: RedisClient, prefix: string, userId: string, at: Date, ttlSeconds: number): Promise<void> {
  await redis.set(redisKeys.revokedBefore(prefix, userId), String(at.getTime()), 'EX', ttlSeconds);
}

export interface RedisRevocationOptions {
  prefix: string;
  ttlSeconds: number;
  logger: Logger;
}

export class RedisRevocationStore implements RevocationStore {
  readonly ttlSeconds: number;
  private warnedAt = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisRevocationOptions,
  ) {
    this.ttlSeconds = options.ttlSeconds;
  }

  async revoke(userId: string, at: Date): Promise<void> {
    try {
      await recordRevocation(this.redis, this.options.prefix, userId, at, this.ttlSeconds);
    } catch (err) {
      throw new GatewayError('INTERNAL', `Redis is unavailable: the revocation was not recorded (${(err as Error).message})`);
    }
  }

  async revokedBefore(userId: string): Promise<number | null> {
    try {
      const value = await this.redis.get(redisKeys.revokedBefore(this.options.prefix, userId));
      const before = value === null ? NaN : Number(value);
      return Number.isFinite(before) ? before : null;
    } catch (err) {
      // Redis down: connections are admitted on the token alone (as requests are on the node's own limits),
      // rather than refusing every user; logged at most every 10 s.
      if (Date.now() - this.warnedAt > 10_000) {
        this.warnedAt = Date.now();
        this.options.logger.warn({ err: (err as Error).message }, 'redis unreachable: token revocations not checked');
      }
      return null;
    }
  }
}

/**
 * The verifier, plus the revocation check: a token whose `iat` is before the user's mark (or that has no `iat`
 * while a mark is in force) is refused with TOKEN_REVOKED. `iat` has second precision, so a token issued in the
 * very second of the revocation is refused too: a fresh token works from the next second on.
 */
export function withRevocations(verifier: TokenVerifier, revocations: RevocationStore): TokenVerifier {
  return {
    describe: verifier.describe,
    async verify(token: string): Promise<VerifiedToken> {
      const verified = await verifier.verify(token);
      const before = await revocations.revokedBefore(verified.user.id);
      if (before !== null && (verified.issuedAt === null || verified.issuedAt < before)) {
        throw new GatewayError('TOKEN_REVOKED', 'Token was revoked: sign in again for a new one');
      }
      return verified;
    },
  };
}
