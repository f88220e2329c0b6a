// LeadLovers failures as tool errors. The API reports errors as `{ StatusCode, Message }` (Message in Portuguese,
// meant for the user), sometimes with HTTP 200; each status class maps to one ToolError code. Messages never carry
// the token or the request URL (which holds the token).
import { ToolError } from '../../errors.js';

export const RATE_LIMITED_MESSAGE = 'rate limited by LeadLovers, retry later';
export const TIMEOUT_MESSAGE = 'LeadLovers did not answer in time; try again in a moment';
export const UNREACHABLE_MESSAGE = 'LeadLovers could not be reached; try again in a moment';
export const CANCELLED_MESSAGE = 'The call was cancelled';
/** An account's circuit is open: its recent calls all failed upstream, so this one was not sent. */
export const UNAVAILABLE_MESSAGE = 'LeadLovers is unavailable for this account right now (its recent calls failed); try again in a moment';

/** `{ StatusCode >= 400, Message }` in a body: an error whatever the HTTP status. */
export function readApiError(body: unknown): { status: number; message: string | undefined } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { StatusCode: status, Message: message } = body as { StatusCode?: unknown; Message?: unknown };
  const code = typeof status === 'string' && /^\d+$/.test(status) ? Number(status) : status;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400) return undefined;
  return { status: code, message: typeof message === 'string' && message.trim() !== '' ? message.trim() : undefined };
}

function withApiMessage(prefix: string, apiMessage: string | undefined): string {
  return apiMessage === undefined ? prefix : `${prefix}: ${apiMessage}`;
}

/** The tool error for a final (no more retries) LeadLovers error status. */
export function toolErrorForStatus(status: number, apiMessage: string | undefined, token: string): ToolError {
  // LeadLovers' Message is shown to the user; strip the token should the API ever echo it back.
  const message = apiMessage?.split(token).join('***');
  if (status === 400 || status === 422) return new ToolError('INVALID_ARGUMENTS', withApiMessage('LeadLovers rejected the request', message));
  if (status === 401 || status === 403) return new ToolError('FORBIDDEN', withApiMessage('token do LeadLovers recusado', message));
  if (status === 404) return new ToolError('NOT_FOUND', withApiMessage('not found in LeadLovers', message));
  if (status === 409) return new ToolError('CONFLICT', withApiMessage('LeadLovers reported a conflict', message));
  if (status === 429) return new ToolError('BACKEND_ERROR', withApiMessage(RATE_LIMITED_MESSAGE, message));
  if (status >= 500) return new ToolError('BACKEND_ERROR', withApiMessage(`LeadLovers failed (HTTP ${status})`, message));
  return new ToolError('BACKEND_ERROR', withApiMessage(`LeadLovers answered with unexpected status ${status}`, message));
}
