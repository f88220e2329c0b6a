// How a tool answers over MCP. Success: structuredContent is the output object, content[0] its JSON (for
// clients that read only text) and content[1] a one-line summary for people and LLMs. Failure: isError, the
// message as text, and structuredContent { code, message, field? } with a code from TOOL_ERROR_CODES.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolErrorPayload } from './codes.js';

export function toolSuccessResult(output: Record<string, unknown>, summary: string): CallToolResult {
  return {
    content: [
      { type: 'text', text: JSON.stringify(output) },
      { type: 'text', text: summary },
    ],
    structuredContent: output,
  };
}

export function toolErrorResult(payload: ToolErrorPayload): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: payload.message }],
    structuredContent: { ...payload },
  };
}
