// ConfirmingUsers in Redis: one key per user, `ws:confirms:{<userId>}` = "1" with a TTL, so every node knows that a
// user's client confirms responses (and gets mailbox replays) once it has confirmed on any node.
import type { RedisClient } from '../shared/redis.js';
import { redisKeys } from '../shared/redis-keys.js';
import { CONFIRMING_TTL_S, type ConfirmingUsers } from './confirming-users.js';

export class RedisConfirmingUsers implements ConfirmingUsers {
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { prefix?: string; ttlSeconds?: number } = {},
  ) {
    this.ttlSeconds = Math.max(1, Math.ceil(options.ttlSeconds ?? CONFIRMING_TTL_S));
  }

  key(userId: string): string {
    return redisKeys.confirms(this.options.prefix ?? '', userId);
  }

  async has(userId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(userId))) === 1;
  }

  async add(userId: string): Promise<void> {
    await this.redis.set(this.key(userId), '1', 'EX', this.ttlSeconds);
  }

  /** The caller owns the Redis connection. */
  async close(): Promise<void> {}
}
