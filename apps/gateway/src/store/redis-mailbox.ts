// The cluster-wide response mailbox: per user, a sorted set `ws:mailbox:{<user>}` of the requestIds not yet
// confirmed, oldest first, whose responses live in the request records (`ws:request:{<user>}:<id>`, shared with
// idempotency: a response is stored once). The request path writes both in its completion script
// (redis-request-state.ts) and removes confirmations in its admission script; this class is what else reads and
// writes them: replays on (re)connect, receipts and ack-response. Any node can re-send a response another stored.
import type { PromptResponse } from '@leadlovers/protocol';
import type { RedisClient } from '../shared/redis.js';
import { redisKeys } from '../shared/redis-keys.js';
import type { Mailbox } from './mailbox.js';
import { doneRecordHead, parseRecord } from './redis-records.js';

export interface RedisMailboxOptions {
  prefix?: string;
  /** How long an unacknowledged response is kept (fractions allowed; the design says 24 h). */
  ttlSeconds?: number;
  maxPerUser?: number;
}

// KEYS: mailbox. ARGV: max. The newest `max` ids and their records (false where a record is gone); trims the rest.
const PENDING = `local ids = redis.call('ZRANGE', KEYS[1], -tonumber(ARGV[1]), -1)
if #ids == 0 then return {} end
local keys = {}
for i, id in ipairs(ids) do keys[i] = ARGV[2] .. id end
local records = redis.call('MGET', unpack(keys))
local out = {}
for i, id in ipairs(ids) do out[#out + 1] = id; out[#out + 1] = records[i] end
return out`;

// KEYS: record, mailbox. ARGV: record head, response JSON, record ttl ms, requestId, score, max, mailbox ttl ms.
const PUT = `redis.call('SET', KEYS[1], ARGV[1] .. ARGV[2] .. '}', 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[6]) + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1`;

interface MailboxScripts {
  mailboxPending(mailbox: string, max: number, recordPrefix: string): Promise<Array<string | null>>;
  mailboxPut(record: string, mailbox: string, head: string, json: string, recordTtlMs: number, requestId: string, score: string, max: number, ttlMs: number): Promise<number>;
}

function withScripts(redis: RedisClient): RedisClient & MailboxScripts {
  if (!('mailboxPending' in redis)) {
    redis.defineCommand('mailboxPending', { numberOfKeys: 1, lua: PENDING });
    redis.defineCommand('mailboxPut', { numberOfKeys: 2, lua: PUT });
  }
  return redis as RedisClient & MailboxScripts;
}

/** A mailbox score: milliseconds, then a per-node counter, so puts in one millisecond keep their order. */
export function mailboxScore(now: number, seq: number): string {
  return String(now * 1000 + (seq % 1000));
}

export class RedisMailbox implements Mailbox {
  private readonly redis: RedisClient & MailboxScripts;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly maxPerUser: number;
  #seq = 0;

  constructor(redis: RedisClient, options: RedisMailboxOptions = {}) {
    this.redis = withScripts(redis);
    this.prefix = options.prefix ?? '';
    this.ttlMs = Math.max(1, Math.round((options.ttlSeconds ?? 86_400) * 1000));
    this.maxPerUser = options.maxPerUser ?? 100;
  }

  key(userId: string): string {
    return redisKeys.mailbox(this.prefix, userId);
  }

  /** Stores a response as an unkeyed record (keyed ones are written with their fingerprint by the request path). */
  async put(userId: string, response: PromptResponse): Promise<void> {
    const now = Date.now();
    const record = redisKeys.request(this.prefix, userId, response.requestId);
    await this.redis.mailboxPut(record, this.key(userId), doneRecordHead('', now), JSON.stringify(response), this.ttlMs, response.requestId, mailboxScore(now, ++this.#seq), this.maxPerUser, this.ttlMs);
  }

  async pending(userId: string): Promise<PromptResponse[]> {
    const recordPrefix = redisKeys.request(this.prefix, userId, '');
    const flat = await this.redis.mailboxPending(this.key(userId), this.maxPerUser, recordPrefix);
    const oldest = Date.now() - this.ttlMs;
    const responses: PromptResponse[] = [];
    const stale: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const id = flat[i] as string;
      const raw = flat[i + 1];
      const record = typeof raw === 'string' ? parseRecord(raw) : undefined;
      // Gone (expired), still pending, unreadable or older than the mailbox's ttl: not re-sent, and dropped.
      if (record?.state === 'done' && record.at > oldest) responses.push(record.response);
      else stale.push(id);
    }
    if (stale.length) await this.redis.zrem(this.key(userId), ...stale).catch(() => undefined);
    return responses;
  }

  async ack(userId: string, requestId: string): Promise<boolean> {
    return (await this.redis.zrem(this.key(userId), requestId)) === 1;
  }

  /** One ZREM whatever the count. The records stay until they expire: they still answer idempotent retries. */
  async ackMany(userId: string, requestIds: readonly string[]): Promise<number> {
    if (requestIds.length === 0) return 0;
    return this.redis.zrem(this.key(userId), ...requestIds);
  }

  /** The caller owns the Redis connection. */
  async close(): Promise<void> {}
}
