// One error type for everything the gateway reports to a client: a stable code from the protocol's set and a
// message that is safe to show. Unknown throws are normalised to INTERNAL at each boundary (toGatewayError).
import type { ErrorCode } from '@leadlovers/protocol';

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('INTERNAL', 'Internal error');
}
