// Reads what the MCP SDK hands back for a tools/call, a CallToolResult, into a ToolCallOutcome. Our server's
// failures carry { code, message, field? } in structuredContent; failures the SDK's McpServer makes itself
// (unknown tool, arguments rejected by the input schema) carry only the McpError text, and are mapped here.
import { ErrorCode, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isToolErrorCode } from './codes.js';
import { callFailure, clip, toolFailure, type ToolCallOutcome } from './outcome.js';

/** "MCP error -32602: Input validation error: …": an McpError's message, as text or as a thrown error. */
export const MCP_ERROR_TEXT = /^MCP error (-?\d+): ([\s\S]*)$/;
const UNKNOWN_TOOL_TEXT = /^Tool \S+ (?:not found|disabled)$|unknown tool/i;

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

/** The SDK's zod messages end with " at <path>" for the first failing field: that path is our `field`. */
function fieldOf(message: string): string | undefined {
  const firstIssue = message.split('\n').find((line) => / at [\w.[\]-]+$/.test(line));
  return firstIssue ? / at ([\w.[\]-]+)$/.exec(firstIssue)?.[1] : undefined;
}

/**
 * A -32602 (invalid params) from the server: an unknown tool, arguments that fail the input schema, or (from the
 * SDK's McpServer) a result that failed the tool's own output schema, which is the server's fault, not the caller's.
 */
export function fromInvalidParams(message: string): ToolCallOutcome {
  if (UNKNOWN_TOOL_TEXT.test(message)) return callFailure('UNKNOWN_TOOL', clip(message));
  if (message.startsWith('Output validation error')) return toolFailure('BACKEND_ERROR', message);
  return toolFailure('INVALID_ARGUMENTS', message, fieldOf(message));
}

export function readToolResult(result: CallToolResult): ToolCallOutcome {
  // With structured content, the text blocks are its JSON rendering and a summary line (in English, see
  // summaries.ts): they are not read here, and leaving them out halves what crosses a thread on every call.
  if (!result.isError && result.structuredContent !== undefined) return { kind: 'result', result: { ok: true, data: result.structuredContent } };
  const text = textOf(result);
  if (!result.isError) {
    const data = parseJsonOr(text);
    return { kind: 'result', result: text === undefined ? { ok: true, data } : { ok: true, data, text } };
  }
  const payload = result.structuredContent;
  if (payload && typeof payload.message === 'string') {
    const field = typeof payload.field === 'string' ? payload.field : undefined;
    return toolFailure(isToolErrorCode(payload.code) ? payload.code : 'BACKEND_ERROR', payload.message, field);
  }
  // The SDK's McpServer reports protocol-level failures (unknown tool, bad arguments) not as JSON-RPC errors but
  // as an error result whose text is the McpError message: "MCP error -32602: Input validation error: …".
  const protocol = MCP_ERROR_TEXT.exec(text ?? '');
  if (protocol?.[2] !== undefined && Number(protocol[1]) === ErrorCode.InvalidParams) return fromInvalidParams(protocol[2]);
  return toolFailure('BACKEND_ERROR', text || 'The tool failed without saying why');
}
