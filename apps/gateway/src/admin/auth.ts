// The admin API's bearer check: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time on SHA-256
// digests (equal lengths whatever the header's length, so neither the token nor its length leaks through timing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type AdminAuthResult = 'ok' | 'missing' | 'wrong';

export function createAdminAuth(token: string): (headers: IncomingHttpHeaders) => AdminAuthResult {
  const expected = digest(`Bearer ${token}`);
  return (headers) => {
    const given = headers.authorization;
    if (!given) return 'missing';
    return timingSafeEqual(digest(given), expected) ? 'ok' : 'wrong';
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
