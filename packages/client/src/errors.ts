// The one error type the SDK rejects with. `code` is a protocol code (packages/protocol ERROR_CODES) when the
// gateway sent one, or one of two client-side codes for things only the SDK can know about.
import type { ErrorCode, PromptResponse } from '@leadlovers/protocol';

/**
 * SESSION_REPLACED: the same user connected elsewhere and this connection was cut (no reconnect, by design).
 * CLIENT_CLOSED: close() was called while the request was pending.
 */
export type ClientOnlyCode = 'SESSION_REPLACED' | 'CLIENT_CLOSED';
export type GatewayErrorCode = ErrorCode | ClientOnlyCode;

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  /** The gateway's prompt-response when the error came from one (isSuccess: false). */
  readonly response: PromptResponse | undefined;

  constructor(code: GatewayErrorCode, message: string, response?: PromptResponse) {
    super(message);
    this.code = code;
    this.response = response;
  }

  static fromResponse(response: PromptResponse): GatewayError {
    const message = response.error ?? response.message ?? `request ${response.requestId} failed`;
    return new GatewayError(response.code ?? 'INTERNAL', message, response);
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
