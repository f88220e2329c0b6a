// The request state in Redis, one round trip each way (DESIGN "Request core and the Redis budget"). Admission is
// one script over the user's hash-tagged keys: the idempotency claim (SET NX GET of the request record), the rate
// window and in-flight count (one hash), and the confirmations it carries (ZREM from the mailbox). Completion is one
// more: the record with the response (which answers retries and mailbox replays), the mailbox entry, the history
// entry and the slot's release. About 12 commands a prompt in all, against 28 for the separate stores.
// Redis down: admission falls back to this node's own limits and claims nothing (the request runs rather than
// being refused everywhere), completion rejects and the response is delivered anyway.
import { GatewayError } from '../shared/errors.js';
import { redisKeys } from '../shared/redis-keys.js';
import type { RedisClient } from '../shared/redis.js';
import { historyEntryHead } from './history.js';
import { busyError, createPromptLimiter, rateLimitedError } from './limits.js';
import { RedisIdempotencyStore } from './redis-idempotency.js';
import { mailboxScore } from './redis-mailbox.js';
import { doneRecordHead, parseRecord, pendingRecord, RECORD_HEAD } from './redis-records.js';
import type { Admission, AdmitRequest, Completion, RequestState } from './request-state.js';

export interface RedisRequestStateOptions {
  prefix?: string;
  perMinute: number;
  maxInFlight: number;
  /** Safety expiry of a user's limits hash beyond its rate window, so slots held by a node that died come back. */
  inFlightTtlSeconds?: number;
  /** How long a response answers retries (idempotency) and waits for its confirmation (mailbox): the longer one. */
  idempotencyTtlSeconds?: number;
  mailboxTtlSeconds?: number;
  mailboxMaxPerUser?: number;
  historyMaxPerUser?: number;
  historyTtlSeconds?: number;
  /** Lease of a pending claim, renewed while the request runs. */
  pendingTtlSeconds?: number;
  pollIntervalMs?: number;
  waitTimeoutMs?: number;
  /** Told when Redis could not be asked and admission fell back to this node's limits (for a log or a metric). */
  onRedisError?: (err: unknown) => void;
  /**
   * Replicas that must acknowledge a completion before it resolves (WAIT, pipelined with the completion script in
   * the same round trip), so a failover right after the answer cannot lose it; 0 (default): no WAIT.
   */
  waitReplicas?: number;
  replicaWaitTimeoutMs?: number;
  /** Told when fewer replicas than waitReplicas acknowledged in time (the answer is delivered anyway). */
  onReplicaLag?: (acknowledged: number) => void;
}

const RATE_WINDOW_MS = 60_000;

// KEYS: record, limits, mailbox. ARGV: keyed, pending marker, lease ms, maxInFlight, points, window ms, now ms,
// limits ttl ms, record head, then the received ids. Returns {'known', record} | {'busy'} | {'rate', waitMs} |
// {'ok', seq}. The rate window starts at a user's first request and lasts window ms (as rate-limiter-flexible's).
const ADMIT = `local nfixed = 9
if #ARGV > nfixed then redis.call('ZREM', KEYS[3], unpack(ARGV, nfixed + 1)) end
local keyed = ARGV[1] == '1'
if keyed then
  local prior = redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'NX', 'GET')
  if prior then
    if string.sub(prior, 1, #ARGV[9]) == ARGV[9] then return {'known', prior} end
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  end
end
local l = redis.call('HMGET', KEYS[2], 'inflight', 'start', 'count', 'seq')
local inflight = tonumber(l[1]) or 0
local start = tonumber(l[2]) or 0
local count = tonumber(l[3]) or 0
local now = tonumber(ARGV[7])
local window = tonumber(ARGV[6])
local roll = now >= start + window or now < start - window
if roll then start = now count = 0 end
local refusal = false
if inflight >= tonumber(ARGV[4]) then refusal = {'busy'}
elseif count >= tonumber(ARGV[5]) then refusal = {'rate', start + window - now} end
if refusal then
  if keyed then redis.call('DEL', KEYS[1]) end
  return refusal
end
local seq = (tonumber(l[4]) or 0) + 1
redis.call('HSET', KEYS[2], 'inflight', inflight + 1, 'start', start, 'count', count + 1, 'seq', seq)
if roll then redis.call('PEXPIRE', KEYS[2], ARGV[8]) end
return {'ok', seq, roll and 1 or 0}`;

// KEYS: record, limits, mailbox, history. ARGV: record head, response JSON, record ttl ms, requestId, score,
// trim mailbox, mailbox max, mailbox ttl ms, history head, history max, history ttl ms, counted, limits ttl ms,
// renew history. The mailbox is trimmed to its max every few puts and the history once it is an eighth over: both
// are read bounded, so the trims only keep memory in check, and most completions skip them. The mailbox's expiry
// moves with every put (a response must live its full ttl); the history's only when the request opened a new rate
// window or the list is new, so a history expires between its ttl and its ttl less one window after the last request.
const COMPLETE = `redis.call('SET', KEYS[1], ARGV[1] .. ARGV[2] .. '}', 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
if ARGV[6] == '1' then redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[7]) + 1)) end
redis.call('PEXPIRE', KEYS[3], ARGV[8])
local max = tonumber(ARGV[10])
local n = redis.call('LPUSH', KEYS[4], ARGV[9] .. ARGV[2] .. '}')
if n > max + math.ceil(max / 8) then redis.call('LTRIM', KEYS[4], 0, max - 1) end
if n == 1 or ARGV[14] == '1' then redis.call('PEXPIRE', KEYS[4], ARGV[11]) end
if ARGV[12] == '1' and redis.call('HINCRBY', KEYS[2], 'inflight', -1) < 0 then
  redis.call('HSET', KEYS[2], 'inflight', 0)
  redis.call('PEXPIRE', KEYS[2], ARGV[13])
end
return 1`;

/** Every how many admissions the mailbox is trimmed to its bound (it is read bounded in between). */
const MAILBOX_TRIM_EVERY = 8;

type AdmitReply = ['known', string] | ['busy'] | ['rate', number] | ['ok', number, 0 | 1];

interface RequestScripts {
  requestAdmit(record: string, limits: string, mailbox: string, ...args: Array<string | number>): Promise<AdmitReply>;
  requestComplete(record: string, limits: string, mailbox: string, history: string, ...args: Array<string | number>): Promise<number>;
}

/** A pipeline with the completion script defined on it (ioredis adds defined commands to pipelines too). */
interface CompletePipeline {
  requestComplete(...args: Array<string | number>): CompletePipeline;
  wait(replicas: number, timeoutMs: number): CompletePipeline;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

function withScripts(redis: RedisClient): RedisClient & RequestScripts {
  if (!('requestAdmit' in redis)) {
    redis.defineCommand('requestAdmit', { numberOfKeys: 3, lua: ADMIT });
    redis.defineCommand('requestComplete', { numberOfKeys: 4, lua: COMPLETE });
  }
  return redis as RedisClient & RequestScripts;
}

const seconds = (value: number | undefined, fallback: number): number => Math.max(1, Math.round((value ?? fallback) * 1000));

export function createRedisRequestState(client: RedisClient, options: RedisRequestStateOptions): RequestState {
  const redis = withScripts(client);
  const prefix = options.prefix ?? '';
  const leaseMs = seconds(options.pendingTtlSeconds, 10);
  const mailboxTtlMs = seconds(options.mailboxTtlSeconds, 86_400);
  const recordTtlMs = Math.max(mailboxTtlMs, seconds(options.idempotencyTtlSeconds, 86_400));
  const limitsTtlMs = RATE_WINDOW_MS + seconds(options.inFlightTtlSeconds, 120);
  const mailboxMax = options.mailboxMaxPerUser ?? 100;
  const historyMax = Math.max(1, options.historyMaxPerUser ?? 100);
  const historyTtlMs = seconds(options.historyTtlSeconds, 7 * 86_400);
  const onRedisError = options.onRedisError ?? (() => {});
  const waitReplicas = options.waitReplicas ?? 0;
  const replicaWaitMs = options.replicaWaitTimeoutMs ?? 100;
  const onReplicaLag = options.onReplicaLag ?? (() => {});
  const idempotency = new RedisIdempotencyStore(client, {
    prefix,
    pendingTtlSeconds: leaseMs / 1000,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.waitTimeoutMs ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
  });
  // While Redis cannot be asked, each node counts its own users (the insurance): never refuse everyone.
  const insurance = createPromptLimiter({ perMinute: options.perMinute, maxInFlight: options.maxInFlight });
  let seqFallback = 0;

  async function fallback(request: AdmitRequest, err: unknown): Promise<Admission> {
    onRedisError(err);
    try {
      const release = await insurance.acquire(request.userId);
      return { status: 'admitted', ticket: { counted: false, seq: ++seqFallback, renew: true, release } };
    } catch (refusal) {
      if (refusal instanceof GatewayError) return { status: 'refused', error: refusal };
      throw refusal;
    }
  }

  return {
    async admit(request) {
      const { userId, requestId } = request;
      let reply: AdmitReply;
      try {
        // Not ready = down or reconnecting: asking would only wait in the offline queue.
        if (client.status !== 'ready') throw new Error(`Redis is ${client.status}`);
        reply = await redis.requestAdmit(
          redisKeys.request(prefix, userId, requestId),
          redisKeys.limits(prefix, userId),
          redisKeys.mailbox(prefix, userId),
          request.keyed ? '1' : '0',
          request.keyed ? pendingRecord(request.fingerprint) : '',
          leaseMs,
          options.maxInFlight,
          options.perMinute,
          RATE_WINDOW_MS,
          Date.now(),
          limitsTtlMs,
          RECORD_HEAD,
          ...request.received,
        );
      } catch (err) {
        return fallback(request, err);
      }
      switch (reply[0]) {
        case 'ok':
          return { status: 'admitted', ticket: { counted: true, seq: reply[1], renew: reply[2] === 1 } };
        case 'busy':
          return { status: 'refused', error: busyError(options.maxInFlight) };
        case 'rate':
          return { status: 'refused', error: rateLimitedError(options.perMinute, reply[1]) };
        case 'known': {
          const record = parseRecord(reply[1]);
          if (!record || record.fingerprint !== request.fingerprint) return { status: 'mismatch' };
          if (record.state === 'done') return { status: 'done', response: record.response };
          return { status: 'pending', wait: idempotency.wait(userId, requestId, request.fingerprint) };
        }
      }
    },

    keepAlive: (userId, requestId, fingerprint) => idempotency.keepAlive(userId, requestId, fingerprint),

    async complete(completion: Completion) {
      const { userId, requestId, ticket, response } = completion;
      const now = Date.now();
      const json = completion.json ?? JSON.stringify(response);
      const entryHead = historyEntryHead(completion.entry);
      const args = [
          redisKeys.request(prefix, userId, requestId),
          redisKeys.limits(prefix, userId),
          redisKeys.mailbox(prefix, userId),
          redisKeys.history(prefix, userId),
          doneRecordHead(completion.keyed ? completion.fingerprint : '', now),
          json,
          recordTtlMs,
          requestId,
          mailboxScore(now, ticket.seq),
          ticket.seq % MAILBOX_TRIM_EVERY === 0 ? '1' : '0',
          mailboxMax,
          mailboxTtlMs,
          entryHead,
          historyMax,
          historyTtlMs,
          ticket.counted ? '1' : '0',
          limitsTtlMs,
          ticket.renew === false ? '0' : '1',
      ] as const;
      try {
        if (waitReplicas === 0) {
          await redis.requestComplete(...args);
          return;
        }
        // One round trip: the script, then WAIT on the same connection (in a Cluster, the pipeline goes to the
        // master of the user's slot, whose replicas WAIT counts).
        const results = await (redis.pipeline() as unknown as CompletePipeline).requestComplete(...args).wait(waitReplicas, replicaWaitMs).exec();
        const failed = results?.find(([err]) => err);
        if (failed?.[0]) throw failed[0];
        const acknowledged = Number(results?.[1]?.[1] ?? 0);
        if (acknowledged < waitReplicas) onReplicaLag(acknowledged);
      } finally {
        ticket.release?.();
      }
    },
  };
}
