// Where the client's JWT travels in the handshake, and when it expires. The payload is decoded without verifying it: the
// client only needs `exp` to schedule auth-refresh; the gateway does the verifying.
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { GatewayClientOptions } from './types.js';

/** Seconds since the epoch from the JWT's `exp` claim, or undefined when absent or unreadable. */
export function tokenExpiry(token: string): number | undefined {
  const part = token.replace(/^Bearer\s+/i, '').split('.')[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When to send auth-refresh: `leadMs` before expiry, or halfway through what is left when that is later (a token
 * shorter-lived than the lead would otherwise be refreshed at once, over and over). Undefined without `exp`.
 */
export function refreshDelayMs(token: string, leadMs: number, now = Date.now()): number | undefined {
  const exp = tokenExpiry(token);
  if (exp === undefined) return undefined;
  const remaining = exp * 1000 - now;
  return Math.max(0, remaining - leadMs, remaining / 2);
}

/**
 * The handshake options that carry the token where the caller asked (auth.token by default), and always
 * `auth.resume: true`: this client confirms every response it receives, so the gateway re-sends unconfirmed ones
 * after a reconnect (README "Mailbox"; a client without it gets each response once, no replays).
 */
export function placeToken(token: string, options: GatewayClientOptions): Partial<ManagerOptions & SocketOptions> {
  const extra = options.socketOptions ?? {};
  const auth = { ...(extra.auth as Record<string, unknown> | undefined), resume: true };
  switch (options.tokenPlacement ?? 'auth') {
    case 'header':
      return { auth, extraHeaders: { ...extra.extraHeaders, Authorization: `Bearer ${token}` } };
    case 'query':
      return { auth, query: { ...(extra.query as Record<string, string> | undefined), token } };
    default:
      return { auth: { ...auth, token } };
  }
}
