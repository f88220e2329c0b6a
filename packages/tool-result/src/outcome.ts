// The one typed outcome of a tools/call, as an MCP client of the LeadLovers server reads it: the tool's answer
// (its data, or the error the tool reported with its code), or the call's own failure with a code of the
// gateway's wire protocol. Plain data, so it can cross a worker thread.
import type { ToolErrorCode } from './codes.js';

/** A tool that ran and answered: either its structured result, or the error the tool itself reported. */
export type ToolCallResult =
  | { ok: true; data: unknown; text?: string }
  | { ok: false; code: ToolErrorCode; message: string; field?: string };

/** A call that got no answer from the tool: no such tool, no answer in time, the server went away, a client bug. */
export type CallFailureCode = 'UNKNOWN_TOOL' | 'TIMEOUT' | 'TOOL_UNAVAILABLE' | 'INTERNAL';

export type ToolCallOutcome =
  | { kind: 'result'; result: ToolCallResult }
  /** `retry: 'if-read-only'`: the server went away mid-call, so a write may or may not have happened. */
  | { kind: 'error'; error: { code: CallFailureCode; message: string }; retry: 'if-read-only' | 'no' };

/** Messages are shown to users and cross threads: a runaway server text is cut here. */
const MAX_MESSAGE = 2000;

export function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

export function toolFailure(code: ToolErrorCode, message: string, field?: string): ToolCallOutcome {
  const result: ToolCallResult = field ? { ok: false, code, message: clip(message), field } : { ok: false, code, message: clip(message) };
  return { kind: 'result', result };
}

export function callFailure(code: CallFailureCode, message: string, retry: 'if-read-only' | 'no' = 'no'): ToolCallOutcome {
  return { kind: 'error', error: { code, message }, retry };
}
