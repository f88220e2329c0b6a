// Requests driven straight through the gateway's request state (createRedisRequestState), no gateway around it:
// distinct users, each one's requests one after another (admit + complete, each confirming the user's previous
// response in `received`, as the SDK does), many users at once, bounded in count and time. What Redis does for
// this is the store's own cost per request, whatever the gateway and the machine around it.
import type { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import { newRequestId } from '../../packages/client/src/requests.js';
import type { PromptResponse } from '../../packages/protocol/src/index.js';
import { createRedisRequestState } from '../../apps/gateway/src/store/redis-request-state.js';
import type { RequestState } from '../../apps/gateway/src/store/request-state.js';
import { redisClient } from './redis-procs.js';
import { readCounters, subtract, type CounterDelta } from './redis-stats.js';

export interface DriveOptions {
  /** Users `<prefix>0` … `<prefix>users-1`. */
  prefix: string;
  users: number;
  requestsPerUser: number;
  /** Users driven at once (each like one SDK client with one request in flight). */
  concurrency: number;
  /** Stop starting users after this long. */
  budgetMs: number;
  /** What each request is answered with (a response the gateway stored, so the records have the real size). */
  response: PromptResponse;
  prompt: string;
}

export interface DriveResult {
  requests: number;
  failures: Record<string, number>;
  elapsedMs: number;
}

/** The request state as a gateway node builds it, with limits no drive reaches. */
export const benchRequestState = (redis: Redis): RequestState => createRedisRequestState(redis, { perMinute: 1_000_000, maxInFlight: 4 });

function count(failures: Record<string, number>, label: string): void {
  failures[label] = (failures[label] ?? 0) + 1;
}

async function oneUser(state: RequestState, userId: string, o: DriveOptions, failures: Record<string, number>): Promise<number> {
  let previous: string | undefined;
  let done = 0;
  for (let k = 0; k < o.requestsPerUser; k++) {
    const requestId = newRequestId();
    const fingerprint = `fp-${requestId}`;
    const admission = await state.admit({ userId, requestId, keyed: true, fingerprint, received: previous ? [previous] : [] });
    if (admission.status !== 'admitted') {
      count(failures, admission.status === 'refused' ? admission.error.code : admission.status);
      continue;
    }
    if (!admission.ticket.counted) count(failures, 'not counted in Redis');
    const response = { ...o.response, requestId };
    await state.complete({ userId, requestId, keyed: true, fingerprint, ticket: admission.ticket, response, entry: { requestId, kind: 'prompt', input: o.prompt, at: new Date().toISOString() } });
    previous = requestId;
    done++;
  }
  return done;
}

export async function driveRequests(state: RequestState, o: DriveOptions): Promise<DriveResult> {
  const started = performance.now();
  const failures: Record<string, number> = {};
  let next = 0;
  let requests = 0;
  const worker = async () => {
    while (next < o.users && performance.now() - started < o.budgetMs) {
      const done = await oneUser(state, `${o.prefix}${next++}`, o, failures).catch((err: unknown) => {
        count(failures, err instanceof Error ? err.message.slice(0, 60) : String(err));
        return 0;
      });
      requests += done;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.users) }, worker));
  return { requests, failures, elapsedMs: performance.now() - started };
}

export interface StoreOnlyResult extends DriveResult {
  autoPipelining: boolean;
  delta: CounterDelta;
}

/**
 * The drive on one Redis over a connection of its own, configured like the gateway's command connection, or with
 * ioredis auto-pipelining (commands issued in one tick go out in one write, so Redis reads and answers them in
 * one go): Redis's commands and CPU per request, as commandstats and INFO cpu count them.
 */
export async function measureStoreOnly(port: number, o: DriveOptions, autoPipelining: boolean): Promise<StoreOnlyResult> {
  const client = redisClient(port, { enableAutoPipelining: autoPipelining });
  const stats = redisClient(port);
  try {
    const state = benchRequestState(client);
    await driveRequests(state, { ...o, prefix: `${o.prefix}warm-`, users: Math.min(30, o.users), requestsPerUser: 1 });
    const before = await readCounters(stats);
    const drive = await driveRequests(state, o);
    return { ...drive, autoPipelining, delta: subtract(await readCounters(stats), before) };
  } finally {
    client.disconnect();
    stats.disconnect();
  }
}
