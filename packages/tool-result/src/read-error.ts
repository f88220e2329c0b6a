// Reads a tools/call that threw instead of answering (an McpError from the SDK client, or anything else) into a
// ToolCallOutcome. The caller says what it knows: it cancelled the call, or the server process is gone since.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { callFailure, clip, toolFailure, type ToolCallOutcome } from './outcome.js';
import { fromInvalidParams, MCP_ERROR_TEXT } from './read-result.js';

export interface CallErrorContext {
  toolName: string;
  timeoutMs: number;
  /** The caller cancelled the call (it gave up). */
  cancelled: boolean;
  /** The server that got the request has exited since. */
  childGone: boolean;
}

export function readToolCallError(err: unknown, context: CallErrorContext): ToolCallOutcome {
  const { toolName } = context;
  if (context.cancelled) return callFailure('TIMEOUT', `Call of tool "${toolName}" was cancelled`);
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout) return callFailure('TIMEOUT', `Tool "${toolName}" did not answer within ${context.timeoutMs} ms`);
    if (err.code === ErrorCode.InvalidParams) return fromInvalidParams(MCP_ERROR_TEXT.exec(err.message)?.[2] ?? err.message);
  }
  if (context.childGone || (err instanceof McpError && err.code === ErrorCode.ConnectionClosed)) {
    return callFailure('TOOL_UNAVAILABLE', `The MCP server exited while running tool "${toolName}"`, 'if-read-only');
  }
  if (err instanceof McpError) return toolFailure('BACKEND_ERROR', err.message);
  if (err instanceof Error && err.name === 'ZodError') {
    return toolFailure('BACKEND_ERROR', `The MCP server sent a malformed result for tool "${toolName}"`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return callFailure('INTERNAL', clip(`Tool "${toolName}" failed in the pool: ${message}`));
}
