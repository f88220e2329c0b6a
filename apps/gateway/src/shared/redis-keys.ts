// Every Redis key and channel name the gateway writes or reads, in one place: stores, limits, sessions, the
// adapter's channels and the webhooks' replay guard. Operators rely on these names (README, "Inspect sessions and
// state"), and a Redis Cluster runs a script only on keys of one slot, so every key of one user carries the same
// {hash tag}: the admission and completion scripts touch that user's keys in one slot. `prefix` is
// REDIS_KEY_PREFIX ('' in production).

/** The live socket id of a user (single session). Ops: `GET ws:user:connection:<id>`. One key, so no tag. */
export const SESSION_KEY = 'ws:user:connection:';

/**
 * A user's hash tag. The id is URI-encoded, so braces or separators in it can neither end the tag early nor make
 * two users' keys meet.
 */
export const userTag = (userId: string): string => `{${encodeURIComponent(userId)}}`;

export const redisKeys = {
  session: (prefix: string, userId: string): string => `${prefix}${SESSION_KEY}${userId}`,
  /**
   * One request's record: its pending marker while it runs (idempotency), then its response for the replay window.
   * The mailbox and idempotent retries both read the response from here.
   */
  request: (prefix: string, userId: string, requestId: string): string => `${prefix}ws:request:${userTag(userId)}:${requestId}`,
  /** The user's undelivered responses: a sorted set of requestIds, oldest first. */
  mailbox: (prefix: string, userId: string): string => `${prefix}ws:mailbox:${userTag(userId)}`,
  /** The user's limits in one hash: requests in flight, the rate window's start and count, a put sequence. */
  limits: (prefix: string, userId: string): string => `${prefix}ws:limits:${userTag(userId)}`,
  history: (prefix: string, userId: string): string => `${prefix}ws:history:${userTag(userId)}`,
  /** Present when the user has confirmed a response before: their clients get mailbox replays (30 days). */
  confirms: (prefix: string, userId: string): string => `${prefix}ws:confirms:${userTag(userId)}`,
  conversation: (prefix: string, userId: string, conversationId: string): string => `${prefix}ws:conversation:${userTag(userId)}:${conversationId}`,
  /** A user's token revocation mark: epoch ms; tokens issued before it are refused (TOKEN_REVOKED). */
  revokedBefore: (prefix: string, userId: string): string => `${prefix}ws:revoked:${userTag(userId)}`,
  webhookSeen: (prefix: string, key: string): string => `${prefix}webhook:seen:${key}`,
  /** The Socket.IO adapter's channel prefix; `pnpm kick`, the notify library and every emitter must use the same. */
  adapterChannel: (prefix: string): string => `${prefix}socket.io`,
} as const;
