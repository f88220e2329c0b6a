// Cluster-wide idempotency over the request records (`ws:request:{<user>}:<requestId>`, see redis-records.ts).
// The request path claims and completes records in its own scripts (redis-request-state.ts); this store is the
// rest: waiting for another attempt, renewing a claim's lease, and the IdempotencyStore interface on its own.
// The first node to SET NX the pending marker runs the
// request and renews the marker's short lease while it runs; a retry on any node polls until the response is
// stored, or takes the request over when the marker vanishes (its node died and the lease ran out, or it was
// released), or times out.
import type { PromptResponse } from '@leadlovers/protocol';
import type { RedisClient } from '../shared/redis.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../shared/errors.js';
import { PendingAbandoned, type IdempotencyStart, type IdempotencyStore } from './idempotency.js';
import { redisKeys } from '../shared/redis-keys.js';
import { parseRecord, pendingRecord } from './redis-records.js';

export interface RedisIdempotencyStoreOptions {
  prefix?: string;
  /** How long a completed request's response answers retries. */
  ttlSeconds?: number;
  /**
   * Lease of a pending marker, renewed every third of it while the request runs (keepAlive): one left by a node
   * that died expires this long after the node, and a retry then runs the request.
   */
  pendingTtlSeconds?: number;
  pollIntervalMs?: number;
  /** How long a retry waits for the first attempt before it is answered with TIMEOUT. */
  waitTimeoutMs?: number;
}

// complete() is not given the fingerprint, so the script carries it over from the pending marker; the response
// is spliced in as the caller serialised it (a cjson round trip would turn [] into {}). ARGV: response, ttlMs, at.
const COMPLETE = `local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, rec = pcall(cjson.decode, raw)
if not ok or type(rec) ~= 'table' or type(rec.fingerprint) ~= 'string' then return 0 end
local done = '{"fingerprint":' .. cjson.encode(rec.fingerprint) .. ',"state":"done","at":' .. ARGV[3] .. ',"response":' .. ARGV[1] .. '}'
redis.call('SET', KEYS[1], done, 'PX', ARGV[2])
return 1`;

const ABANDON = `local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, rec = pcall(cjson.decode, raw)
if ok and type(rec) == 'table' and rec.state == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0`;

// Renews the lease only while the marker is still this request's pending one.
const RENEW = `local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, rec = pcall(cjson.decode, raw)
if ok and type(rec) == 'table' and rec.state == 'pending' and rec.fingerprint == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

interface IdempotencyScripts {
  idempotencyComplete(key: string, responseJson: string, ttlMs: number, at: number): Promise<number>;
  idempotencyAbandon(key: string): Promise<number>;
  idempotencyRenew(key: string, fingerprint: string, ttlMs: number): Promise<number>;
}

function withScripts(redis: RedisClient): RedisClient & IdempotencyScripts {
  if (!('idempotencyComplete' in redis)) {
    redis.defineCommand('idempotencyComplete', { numberOfKeys: 1, lua: COMPLETE });
    redis.defineCommand('idempotencyAbandon', { numberOfKeys: 1, lua: ABANDON });
    redis.defineCommand('idempotencyRenew', { numberOfKeys: 1, lua: RENEW });
  }
  return redis as RedisClient & IdempotencyScripts;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly redis: RedisClient & IdempotencyScripts;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly pendingTtlMs: number;
  private readonly pollIntervalMs: number;
  private readonly waitTimeoutMs: number;
  private readonly closing = new AbortController();

  constructor(redis: RedisClient, options: RedisIdempotencyStoreOptions = {}) {
    this.redis = withScripts(redis);
    this.prefix = options.prefix ?? '';
    this.ttlMs = Math.max(1, Math.round((options.ttlSeconds ?? 86_400) * 1000));
    this.pendingTtlMs = Math.max(1, Math.round((options.pendingTtlSeconds ?? 10) * 1000));
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 60_000;
  }

  key(userId: string, requestId: string): string {
    return redisKeys.request(this.prefix, userId, requestId);
  }

  async begin(userId: string, requestId: string, fingerprint: string): Promise<IdempotencyStart> {
    const key = this.key(userId, requestId);
    const marker = pendingRecord(fingerprint);
    const existing = await this.redis.set(key, marker, 'PX', this.pendingTtlMs, 'NX', 'GET');
    if (existing === null) return { status: 'new' };
    const record = parseRecord(existing);
    if (!record) {
      // A value we cannot read answers nothing; take the key over as if it were free.
      await this.redis.set(key, marker, 'PX', this.pendingTtlMs);
      return { status: 'new' };
    }
    if (record.fingerprint !== fingerprint) return { status: 'mismatch' };
    if (record.state === 'done') return { status: 'done', response: record.response };
    return { status: 'pending', wait: this.wait(userId, requestId, fingerprint) };
  }

  keepAlive(userId: string, requestId: string, fingerprint: string): () => void {
    const key = this.key(userId, requestId);
    const timer = setInterval(() => {
      // A missed renewal (Redis hiccup) is retried on the next tick; the lease is three ticks long.
      this.redis.idempotencyRenew(key, fingerprint, this.pendingTtlMs).catch(() => undefined);
    }, Math.max(1, Math.floor(this.pendingTtlMs / 3)));
    timer.unref();
    return () => clearInterval(timer);
  }

  async complete(userId: string, requestId: string, response: PromptResponse): Promise<void> {
    await this.redis.idempotencyComplete(this.key(userId, requestId), JSON.stringify(response), this.ttlMs, Date.now());
  }

  /** Frees the key (only while it is still pending); waiting retries see it gone and are told to retry. */
  async abandon(userId: string, requestId: string, _response: PromptResponse): Promise<void> {
    await this.redis.idempotencyAbandon(this.key(userId, requestId));
  }

  /** Stops every retry still waiting (they reject); the caller owns the Redis connection. */
  async close(): Promise<void> {
    this.closing.abort();
  }

  /**
   * Waits for the attempt in flight with this key: its response, or PendingAbandoned when its marker vanished
   * (its node died, or it was refused), or BUSY / TIMEOUT.
   */
  async wait(userId: string, requestId: string, fingerprint: string): Promise<PromptResponse> {
    const key = this.key(userId, requestId);
    const deadline = Date.now() + this.waitTimeoutMs;
    for (let left = this.waitTimeoutMs; left > 0; left = deadline - Date.now()) {
      try {
        await sleep(Math.min(this.pollIntervalMs, left), undefined, { signal: this.closing.signal });
      } catch {
        throw new GatewayError('BUSY', 'the gateway is shutting down; retry');
      }
      let raw: string | null;
      try {
        raw = await this.redis.get(key);
      } catch {
        continue; // Redis hiccup: keep polling until the deadline
      }
      if (raw === null) throw new PendingAbandoned();
      const record = parseRecord(raw);
      if (!record || record.fingerprint !== fingerprint) {
        throw new GatewayError('BUSY', 'the first attempt was refused; retry');
      }
      if (record.state === 'done') return record.response;
    }
    throw new GatewayError('TIMEOUT', `the first attempt with this requestId did not finish within ${this.waitTimeoutMs} ms`);
  }
}
