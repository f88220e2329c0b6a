// The Redis key naming a user's live socket. Operators rely on this exact name (KEYS ws:user:connection:* and
// GET ws:user:connection:<id>), so it is defined once, here.
export const SESSION_KEY = 'ws:user:connection:';

export function sessionKey(prefix: string, userId: string): string {
  return `${prefix}${SESSION_KEY}${userId}`;
}
