// Calling a test gateway's admin API (on its METRICS_PORT listener) the way an operator's script does.
import type { TestGateway } from './gateway.js';

export const ADMIN_TOKEN = 'admin-test-token-0123456789-abcdefghijklmnop';

/** Env for a gateway with the admin API on: its metrics/admin listener on a free port, and the token. */
export const ADMIN_ENV = { METRICS_PORT: '0', ADMIN_TOKEN } as const;

export function adminUrl(gw: TestGateway): string {
  const address = gw.gateway.metricsServer?.address();
  if (!address || typeof address === 'string') throw new Error('the metrics/admin listener is not up (METRICS_PORT unset?)');
  return `http://127.0.0.1:${address.port}`;
}

export interface AdminAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface AdminCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Default ADMIN_TOKEN; null sends no Authorization header. */
  token?: string | null;
  authorization?: string;
}

export async function admin<T = Record<string, unknown>>(gw: TestGateway, path: string, call: AdminCall = {}): Promise<AdminAnswer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = call.token === undefined ? ADMIN_TOKEN : call.token;
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  else if (token !== null) headers.authorization = `Bearer ${token}`;
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const res = await fetch(`${adminUrl(gw)}${path}`, { method: call.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}
