// Turns what the MCP SDK hands back for a tools/call (a CallToolResult, or a thrown McpError) into the pool's
// CallOutcome: the tool's data, the tool's own error ({code, message, field}), or a machinery error with a
// stable gateway code. Pure functions, run inside the worker so only the small mapped value crosses threads.
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TOOL_ERROR_CODES, type ToolErrorCode } from '@leadlovers/tools';
import type { CallOutcome } from './messages.js';
import type { ToolCallResult } from './types.js';

const MCP_ERROR_TEXT = /^MCP error (-?\d+): ([\s\S]*)$/;
const UNKNOWN_TOOL_TEXT = /^Tool \S+ (?:not found|disabled)$|unknown tool/i;
const MAX_MESSAGE = 2000;

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

function textOf(result: CallToolResult): string | undefined {
  const parts: string[] = [];
  for (const item of result.content) if (item.type === 'text') parts.push(item.text);
  return parts.length > 0 ? parts.join('\n') : undefined;
}

function parseJsonOr(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isToolErrorCode(value: unknown): value is ToolErrorCode {
  return typeof value === 'string' && (TOOL_ERROR_CODES as readonly string[]).includes(value);
}

function toolError(code: ToolErrorCode, message: string, field?: string): CallOutcome {
  const result: ToolCallResult = field ? { ok: false, code, message: clip(message), field } : { ok: false, code, message: clip(message) };
  return { kind: 'result', result };
}

/** The SDK's zod messages end with " at <path>" for the first failing field: that path is our `field`. */
function fieldOf(message: string): string | undefined {
  const firstIssue = message.split('\n').find((line) => / at [\w.[\]-]+$/.test(line));
  return firstIssue ? / at ([\w.[\]-]+)$/.exec(firstIssue)?.[1] : undefined;
}

/**
 * A -32602 (invalid params) from the server: an unknown tool, arguments that fail the input schema, or (from the
 * SDK's McpServer) a result that failed the tool's own output schema, which is the server's fault, not the caller's.
 */
function fromInvalidParams(message: string): CallOutcome {
  if (UNKNOWN_TOOL_TEXT.test(message)) {
    return { kind: 'error', error: { code: 'UNKNOWN_TOOL', message: clip(message) }, retry: 'no' };
  }
  if (message.startsWith('Output validation error')) return toolError('BACKEND_ERROR', message);
  return toolError('INVALID_ARGUMENTS', message, fieldOf(message));
}

export function outcomeFromResult(result: CallToolResult): CallOutcome {
  // With structured content, the text blocks are its JSON rendering for clients that read only text: they are not
  // read here, and leaving them out halves what crosses from the worker thread to the main thread on every call.
  if (!result.isError && result.structuredContent !== undefined) return { kind: 'result', result: { ok: true, data: result.structuredContent } };
  const text = textOf(result);
  if (!result.isError) {
    const data = parseJsonOr(text);
    return { kind: 'result', result: text === undefined ? { ok: true, data } : { ok: true, data, text } };
  }
  const payload = result.structuredContent;
  if (payload && typeof payload.message === 'string') {
    const field = typeof payload.field === 'string' ? payload.field : undefined;
    return toolError(isToolErrorCode(payload.code) ? payload.code : 'BACKEND_ERROR', payload.message, field);
  }
  // The SDK's McpServer reports protocol-level failures (unknown tool, bad arguments) not as JSON-RPC errors but
  // as an error result whose text is the McpError message: "MCP error -32602: Input validation error: …".
  const protocol = MCP_ERROR_TEXT.exec(text ?? '');
  if (protocol?.[2] !== undefined && Number(protocol[1]) === ErrorCode.InvalidParams) return fromInvalidParams(protocol[2]);
  return toolError('BACKEND_ERROR', text || 'The tool failed without saying why');
}

export interface CallErrorContext {
  toolName: string;
  timeoutMs: number;
  /** The pool cancelled the call (the caller gave up). */
  cancelled: boolean;
  /** The child that got the request has exited since. */
  childGone: boolean;
}

export function outcomeFromError(err: unknown, context: CallErrorContext): CallOutcome {
  const { toolName } = context;
  if (context.cancelled) {
    return { kind: 'error', error: { code: 'TIMEOUT', message: `Call of tool "${toolName}" was cancelled` }, retry: 'no' };
  }
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout) {
      const message = `Tool "${toolName}" did not answer within ${context.timeoutMs} ms`;
      return { kind: 'error', error: { code: 'TIMEOUT', message }, retry: 'no' };
    }
    if (err.code === ErrorCode.InvalidParams) {
      return fromInvalidParams(MCP_ERROR_TEXT.exec(err.message)?.[2] ?? err.message);
    }
  }
  if (context.childGone || (err instanceof McpError && err.code === ErrorCode.ConnectionClosed)) {
    const message = `The MCP server exited while running tool "${toolName}"`;
    return { kind: 'error', error: { code: 'TOOL_UNAVAILABLE', message }, retry: 'if-read-only' };
  }
  if (err instanceof McpError) return toolError('BACKEND_ERROR', err.message);
  if (err instanceof Error && err.name === 'ZodError') {
    return toolError('BACKEND_ERROR', `The MCP server sent a malformed result for tool "${toolName}"`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'error', error: { code: 'INTERNAL', message: clip(`Tool "${toolName}" failed in the pool: ${message}`) }, retry: 'no' };
}
