// Finds the client's JWT in the Socket.IO handshake, in the documented order of preference:
// handshake.auth.token, then the Authorization: Bearer header, then the ?token= query parameter.
import type { Socket } from 'socket.io';

type Handshake = Socket['handshake'];

export type TokenSource = 'auth' | 'header' | 'query';

export interface ExtractedToken {
  token: string;
  source: TokenSource;
}

export function extractToken(handshake: Pick<Handshake, 'auth' | 'headers' | 'query'>): ExtractedToken | null {
  const fromAuth = stripBearer(readString((handshake.auth as Record<string, unknown> | undefined)?.token));
  if (fromAuth) return { token: fromAuth, source: 'auth' };

  const header = readString(handshake.headers.authorization);
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (match?.[1]) return { token: match[1], source: 'header' };

  const fromQuery = stripBearer(readString(handshake.query.token));
  if (fromQuery) return { token: fromQuery, source: 'query' };

  return null;
}

function readString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0].trim() || undefined;
  return undefined;
}

/** Clients copying a header value often send "Bearer <jwt>" in auth.token or ?token=; accept it. */
function stripBearer(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.replace(/^Bearer\s+/i, '') || undefined;
}
