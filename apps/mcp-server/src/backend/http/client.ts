// A small client of the LeadLovers REST API over global fetch: the token in the `token` query parameter, a
// timeout per attempt, retries with backoff for idempotent requests only, LeadLovers errors (even with HTTP 200)
// turned into ToolErrors, and every answer checked against a zod schema so a changed API fails as BACKEND_ERROR.
import type { z } from 'zod';
import { ToolError } from '../../errors.js';
import { readApiError, TIMEOUT_MESSAGE, toolErrorForStatus, UNREACHABLE_MESSAGE } from './api-errors.js';
import { backoffDelay, IDEMPOTENT_METHODS, isRetryableStatus, parseRetryAfter } from './retry.js';

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
  fetch?: typeof fetch;
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
  request<S extends z.ZodType>(token: string, request: ApiRequest<S>): Promise<z.output<S>>;
}

/** One attempt's outcome: an answer to return, or a failure that may be retried. */
type Attempt =
  | { kind: 'answer'; body: unknown }
  | { kind: 'failure'; error: ToolError; retryable: boolean; retryAfterMs?: number };

export function createLeadLoversClient(options: LeadLoversClientOptions): LeadLoversClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const backoff = { baseMs: options.retryBaseMs ?? 250, capMs: options.retryCapMs ?? 10_000 };

  function urlFor(token: string, path: string, query: Query = {}): string {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    url.searchParams.set('token', token);
    return url.href;
  }

  async function attempt(token: string, request: ApiRequest<z.ZodType>): Promise<Attempt> {
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
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      // fetch's own error text can include the URL, and so the token: only our fixed messages leave here.
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      // The system error code (ECONNREFUSED, ENOTFOUND...) says why without saying where.
      const cause = (err as { cause?: { code?: unknown } }).cause?.code;
      const reason = typeof cause === 'string' && /^[A-Z_]+$/.test(cause) ? ` (${cause})` : '';
      const message = timedOut ? TIMEOUT_MESSAGE : `${UNREACHABLE_MESSAGE}${reason}`;
      return { kind: 'failure', error: new ToolError('BACKEND_ERROR', message), retryable: true };
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
      return {
        kind: 'failure',
        error: toolErrorForStatus(status, apiError?.message, token),
        retryable: isRetryableStatus(status),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      };
    }
    return { kind: 'answer', body };
  }

  return {
    async request(token, request) {
      const attempts = IDEMPOTENT_METHODS.has(request.method) ? Math.max(1, options.maxAttempts) : 1;
      for (let n = 1; ; n++) {
        const outcome = await attempt(token, request);
        if (outcome.kind === 'answer') {
          const parsed = request.schema.safeParse(outcome.body);
          if (!parsed.success) {
            const where = parsed.error.issues[0]?.path.join('.') || 'body';
            throw new ToolError('BACKEND_ERROR', `LeadLovers answered ${request.method} ${request.path} in an unexpected shape (${where})`);
          }
          return parsed.data;
        }
        if (!outcome.retryable || n >= attempts) throw outcome.error;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(n, outcome.retryAfterMs, backoff)));
      }
    },
  };
}
