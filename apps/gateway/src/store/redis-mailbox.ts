// The cluster-wide response mailbox: per user, a hash `ws:mailbox:data:{<userId>}` (requestId → response JSON) and a
// sorted set `ws:mailbox:order:{<userId>}` (requestId scored by the Redis server's clock in µs) that gives the order,
// the per-user bound and the expiry of single entries. Any node can re-send a response another node stored.
import type { PromptResponse } from '@leadlovers/protocol';
import type { Redis } from 'ioredis';
import type { Mailbox } from './mailbox.js';
import { redisKeys } from '../shared/redis-keys.js';

export interface RedisMailboxOptions {
  prefix?: string;
  /** How long an unacknowledged response is kept (fractions allowed; the design says 24 h). */
  ttlSeconds?: number;
  maxPerUser?: number;
}

// Shared by both scripts: `now` comes from the server so every node agrees on age and order; entries scored at or
// before now - ttl are dropped from both keys. Numbers are formatted by hand because Lua's default (%.14g) would
// round a 16-digit µs timestamp.
const PRELUDE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cutoff = string.format('%.0f', now - tonumber(ARGV[1]) * 1000)
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff)) do redis.call('HDEL', KEYS[1], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
`;

// ARGV: ttlMs, maxPerUser, requestId, json. Scores strictly increase per user, so two puts in one µs keep order.
const PUT = `${PRELUDE}
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
if last and tonumber(last) >= now then now = tonumber(last) + 1 end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[2], string.format('%.0f', now), ARGV[3])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[2])
if excess > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, excess - 1)) do redis.call('HDEL', KEYS[1], id) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

// ARGV: ttlMs. Returns the live responses' JSON, oldest first.
const PENDING = `${PRELUDE}
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then table.insert(out, json) else redis.call('ZREM', KEYS[2], id) end
end
return out`;

interface MailboxScripts {
  mailboxPut(data: string, order: string, ttlMs: number, maxPerUser: number, requestId: string, json: string): Promise<number>;
  mailboxPending(data: string, order: string, ttlMs: number): Promise<string[]>;
}

function withScripts(redis: Redis): Redis & MailboxScripts {
  if (!('mailboxPut' in redis)) {
    redis.defineCommand('mailboxPut', { numberOfKeys: 2, lua: PUT });
    redis.defineCommand('mailboxPending', { numberOfKeys: 2, lua: PENDING });
  }
  return redis as Redis & MailboxScripts;
}

function parseResponse(json: string): PromptResponse | undefined {
  try {
    const value: unknown = JSON.parse(json);
    // Only our own writes land here; a record that is not even shaped like a response is skipped, not re-sent.
    if (typeof value === 'object' && value !== null && typeof (value as { requestId?: unknown }).requestId === 'string') {
      return value as PromptResponse;
    }
  } catch {
    // fall through: skip it
  }
  return undefined;
}

export class RedisMailbox implements Mailbox {
  private readonly redis: Redis & MailboxScripts;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly maxPerUser: number;

  constructor(redis: Redis, options: RedisMailboxOptions = {}) {
    this.redis = withScripts(redis);
    this.prefix = options.prefix ?? '';
    this.ttlMs = Math.max(1, Math.round((options.ttlSeconds ?? 86_400) * 1000));
    this.maxPerUser = options.maxPerUser ?? 100;
  }

  keys(userId: string): { data: string; order: string } {
    // The {hash tag} puts both keys of a user in one Redis Cluster slot, so the Lua scripts may touch both.
    return { data: redisKeys.mailboxData(this.prefix, userId), order: redisKeys.mailboxOrder(this.prefix, userId) };
  }

  async put(userId: string, response: PromptResponse): Promise<void> {
    const { data, order } = this.keys(userId);
    await this.redis.mailboxPut(data, order, this.ttlMs, this.maxPerUser, response.requestId, JSON.stringify(response));
  }

  async pending(userId: string): Promise<PromptResponse[]> {
    const { data, order } = this.keys(userId);
    const raw = await this.redis.mailboxPending(data, order, this.ttlMs);
    return raw.map(parseResponse).filter((r): r is PromptResponse => r !== undefined);
  }

  async ack(userId: string, requestId: string): Promise<boolean> {
    const { data, order } = this.keys(userId);
    const results = await this.redis.multi().hdel(data, requestId).zrem(order, requestId).exec();
    const [hdel] = results ?? [];
    if (hdel?.[0]) throw hdel[0];
    return hdel?.[1] === 1;
  }

  async ackMany(userId: string, requestIds: readonly string[]): Promise<number> {
    if (requestIds.length === 0) return 0;
    const { data, order } = this.keys(userId);
    // One MULTI: a single round trip whatever the count (both keys share the user's slot).
    const results = await this.redis.multi().hdel(data, ...requestIds).zrem(order, ...requestIds).exec();
    const [hdel] = results ?? [];
    if (hdel?.[0]) throw hdel[0];
    return typeof hdel?.[1] === 'number' ? hdel[1] : 0;
  }

  /** The caller owns the Redis connection. */
  async close(): Promise<void> {}
}
