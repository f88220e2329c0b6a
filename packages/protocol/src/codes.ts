// Stable, machine-readable error codes sent to clients. This is the whole documented set: anything else a
// server throws is normalised to INTERNAL before it reaches the wire.
export const ERROR_CODES = [
  // connect_error data.code
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'ORIGIN_FORBIDDEN',
  'SERVER_DRAINING',
  'OVERLOADED',
  // prompt-response / ack / error event
  'INVALID_PAYLOAD',
  'PAYLOAD_TOO_LARGE',
  'UNKNOWN_EVENT',
  'UNKNOWN_TOOL',
  'INVALID_ARGUMENTS',
  'NEEDS_INPUT',
  'UNKNOWN_INTENT',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'RATE_LIMITED',
  'BUSY',
  'TIMEOUT',
  'TOOL_FAILED',
  'TOOL_UNAVAILABLE',
  // the LeadLovers API of the caller's account failed repeatedly: calls fail fast until a probe succeeds
  'UPSTREAM_UNAVAILABLE',
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The codes a refused handshake carries in connect_error's err.data.code. */
export const CONNECT_ERROR_CODES = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'ORIGIN_FORBIDDEN', 'RATE_LIMITED', 'SERVER_DRAINING', 'OVERLOADED'] as const satisfies readonly ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
