// The one error type a tool handler turns into a failed result: a stable code from TOOL_ERROR_CODES, a message
// safe to show a user, and optionally the argument it is about. Backends throw it; anything else they throw is
// normalised to BACKEND_ERROR at the tool boundary (toToolError), so no stack or SQL ever reaches a client.
import type { ToolErrorCode, ToolErrorPayload } from '@leadlovers/tool-result';

export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: ToolErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toPayload(): ToolErrorPayload {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export const BACKEND_ERROR_MESSAGE = 'The LeadLovers backend failed to answer; try again in a moment.';

export function toToolError(err: unknown): ToolError {
  if (err instanceof ToolError) return err;
  return new ToolError('BACKEND_ERROR', BACKEND_ERROR_MESSAGE);
}

export const notFound = (what: string, field?: string) => new ToolError('NOT_FOUND', `${what} not found`, field);
