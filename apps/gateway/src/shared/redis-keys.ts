// Every Redis key and channel name the gateway writes or reads, in one place: stores, limits, sessions, the
// adapter's channels and the webhooks' replay guard. Operators rely on these exact names (README, "Inspect sessions
// and state"), and a Redis Cluster needs every key one script touches in one slot, so nothing else builds a key.
// `prefix` is REDIS_KEY_PREFIX ('' in production); user ids are put in a {hash tag} wherever a script or MULTI
// touches several of one user's keys.

/** The live socket id of a user (single session). Ops: `GET ws:user:connection:<id>`. */
export const SESSION_KEY = 'ws:user:connection:';

export const redisKeys = {
  session: (prefix: string, userId: string): string => `${prefix}${SESSION_KEY}${userId}`,
  mailboxData: (prefix: string, userId: string): string => `${prefix}ws:mailbox:data:{${userId}}`,
  mailboxOrder: (prefix: string, userId: string): string => `${prefix}ws:mailbox:order:{${userId}}`,
  /** requestIds may contain ':', user ids too; encoding the user id keeps every (user, request) pair apart. */
  idempotency: (prefix: string, userId: string, requestId: string): string => `${prefix}ws:idempotency:${encodeURIComponent(userId)}:${requestId}`,
  history: (prefix: string, userId: string): string => `${prefix}ws:history:${userId}`,
  conversation: (prefix: string, userId: string, conversationId: string): string => `${prefix}ws:conversation:{${userId}}:${conversationId}`,
  /** rate-limiter-flexible's keyPrefix; it appends `:<userId>`. */
  ratePrefix: (prefix: string): string => `${prefix}ws:rate`,
  inFlight: (prefix: string, userId: string): string => `${prefix}ws:inflight:${userId}`,
  webhookSeen: (prefix: string, key: string): string => `${prefix}webhook:seen:${key}`,
  /** The Socket.IO adapter's channel prefix; `pnpm kick`, the notify library and every emitter must use the same. */
  adapterChannel: (prefix: string): string => `${prefix}socket.io`,
} as const;
