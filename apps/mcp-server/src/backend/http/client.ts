// A small client of the LeadLovers REST API over global fetch: the token in the `token` query parameter, a
// timeout per attempt, retries with backoff for idempotent requests only and a circuit breaker per account
// (retry.ts, cockatiel), the caller's cancellation honoured by every attempt and every wait between them,
// LeadLovers errors (even with HTTP 200) turned into ToolErrors, and every answer checked against a zod schema so
// a changed API fails as BACKEND_ERROR.
import { BrokenCircuitError, type RetryPolicy } from 'cockatiel';
import type { z } from 'zod';
import { ToolError } from '../../errors.js';
import { CANCELLED_MESSAGE, readApiError, TIMEOUT_MESSAGE, toolErrorForStatus, UNAVAILABLE_MESSAGE, UNREACHABLE_MESSAGE } from './api-errors.js';
import { createBreakers, createRetryPolicy, IDEMPOTENT_METHODS, isRetryableStatus, parseRetryAfter, UpstreamFailure } from './retry.js';

export const DEFAULT_API_URL = 'https://llapi.leadlovers.com/webapi';

export interface LeadLoversClientOptions {
  /** LEADLOVERS_API_URL, without trailing slash needed. */
  baseUrl: string;
  /** Per attempt (LEADLOVERS_TIMEOUT_MS). */
  timeoutMs: number;
  /** Attempts of an idempotent request, first one included (LEADLOVERS_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First backoff between attempts; doubles each time. */
  retryBaseMs?: number;
  /** Longest wait between attempts, including one asked for by Retry-After. */
  retryCapMs?: number;
  /** Consecutive failed calls of one account that open its circuit (default 5). */
  breakerFailures?: number;
  /** How long an open circuit fails that account's calls fast before one probe goes through (default 30 s). */
  breakerCooldownMs?: number;
  fetch?: typeof fetch;
}

/** Who a request is for and when to stop: the account (its circuit breaker) and the caller's cancellation. */
export interface CallScope {
  account?: string | undefined;
  /** Aborted when the MCP call is cancelled (notifications/cancelled, the gateway's timeout): no attempt or wait goes on. */
  signal?: AbortSignal | undefined;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | undefined>;

export interface ApiRequest<S extends z.ZodType> {
  method: Method;
  path: string;
  query?: Query;
  body?: unknown;
  /** Shape the answer must have; checked leniently (unknown fields pass). */
  schema: S;
}

export interface LeadLoversClient {
  request<S extends z.ZodType>(token: string, request: ApiRequest<S>, scope?: CallScope): Promise<z.output<S>>;
}

/** Thrown by an attempt whose caller gave up: neither retried nor held against the account's circuit. */
class Cancelled extends Error {}

const NEVER = new AbortController().signal;

export function createLeadLoversClient(options: LeadLoversClientOptions): LeadLoversClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const retries = createRetryPolicy({ maxAttempts: options.maxAttempts, baseMs: options.retryBaseMs ?? 250, capMs: options.retryCapMs ?? 10_000 });
  const once = createRetryPolicy({ maxAttempts: 1, baseMs: 0, capMs: 0 });
  const breakerOf = createBreakers({ failures: options.breakerFailures ?? 5, cooldownMs: options.breakerCooldownMs ?? 30_000 });

  function urlFor(token: string, path: string, query: Query = {}): string {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    url.searchParams.set('token', token);
    return url.href;
  }

  /** One attempt: the answer's body, or a throw (UpstreamFailure: retried and counted; ToolError: an answer; Cancelled). */
  async function attempt(token: string, request: ApiRequest<z.ZodType>, signal: AbortSignal): Promise<unknown> {
    // A retry whose wait ended after the cancellation must not send anything.
    if (signal.aborted) throw new Cancelled();
    let response: Response;
    let text: string;
    try {
      response = await doFetch(urlFor(token, request.path, request.query), {
        method: request.method,
        headers: {
          Accept: 'application/json',
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      });
      text = await response.text();
    } catch (err) {
      if (signal.aborted) throw new Cancelled();
      // fetch's own error text can include the URL, and so the token: only our fixed messages leave here.
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      // The system error code (ECONNREFUSED, ENOTFOUND...) says why without saying where.
      const cause = (err as { cause?: { code?: unknown } }).cause?.code;
      const reason = typeof cause === 'string' && /^[A-Z_]+$/.test(cause) ? ` (${cause})` : '';
      const message = timedOut ? TIMEOUT_MESSAGE : `${UNREACHABLE_MESSAGE}${reason}`;
      throw new UpstreamFailure(new ToolError('BACKEND_ERROR', message));
    }

    let body: unknown = undefined;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const apiError = readApiError(body);
    const status = apiError?.status ?? (response.ok ? undefined : response.status);
    if (status !== undefined) {
      const error = toolErrorForStatus(status, apiError?.message, token);
      // 429 and 5xx: LeadLovers is in trouble (retry, count it); anything else is its answer to this request.
      if (isRetryableStatus(status)) throw new UpstreamFailure(error, parseRetryAfter(response.headers.get('retry-after')));
      throw error;
    }
    return body;
  }

  return {
    async request(token, request, scope = {}) {
      const signal = scope.signal ?? NEVER;
      const policy: RetryPolicy = IDEMPOTENT_METHODS.has(request.method) ? retries : once;
      const breaker = breakerOf(scope.account ?? '');
      let body: unknown;
      try {
        // The breaker around the retries: one call, however many attempts, is one success or failure of the account.
        const call = breaker.execute(() => policy.execute(() => attempt(token, request, signal), signal), signal);
        body = await untilAborted(call, signal);
      } catch (err) {
        if (err instanceof Cancelled || signal.aborted) throw new ToolError('BACKEND_ERROR', CANCELLED_MESSAGE);
        if (err instanceof BrokenCircuitError) throw new ToolError('UPSTREAM_UNAVAILABLE', UNAVAILABLE_MESSAGE);
        if (err instanceof UpstreamFailure) throw err.error;
        throw err;
      }
      const parsed = request.schema.safeParse(body);
      if (!parsed.success) {
        const where = parsed.error.issues[0]?.path.join('.') || 'body';
        throw new ToolError('BACKEND_ERROR', `LeadLovers answered ${request.method} ${request.path} in an unexpected shape (${where})`);
      }
      return parsed.data;
    },
  };
}

/**
 * Settles with the call, or rejects at once when the signal aborts: a wait between retries (which cockatiel does
 * not cut short) then ends by itself, finds the signal aborted and sends nothing (attempt() checks it first).
 */
function untilAborted<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal === NEVER) return call;
  call.catch(() => undefined); // settles unobserved after an abort
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Cancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
