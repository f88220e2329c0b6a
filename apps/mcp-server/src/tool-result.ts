// For MCP clients of this server (the gateway's pool): turns a raw tools/call result into success data or a
// { code, message, field? } failure. Our own failures carry that in structuredContent; failures the SDK makes
// itself (arguments rejected by the input schema, unknown tool) carry only text, and are mapped here.
import { TOOL_ERROR_CODES, type ToolErrorCode } from '@leadlovers/tools';

export type ToolCallOutcome =
  | { ok: true; data: unknown; text?: string }
  | { ok: false; code: ToolErrorCode; message: string; field?: string };

export interface RawToolResult {
  isError?: boolean;
  structuredContent?: unknown;
  content?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function texts(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((block: unknown) => (isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? [block.text] : []));
}

// The SDK's own error texts look like "MCP error -32602: Input validation error: Invalid arguments for tool
// create_lead: must be a valid email address at email".
const SDK_ERROR_PREFIX = /^MCP error -?\d+: /;
const INPUT_ERROR = /^Input validation error: Invalid arguments for tool \S+: ([\s\S]*)$/;

function sdkFailure(text: string): ToolCallOutcome {
  const message = text.replace(SDK_ERROR_PREFIX, '');
  const input = INPUT_ERROR.exec(message);
  if (input?.[1] !== undefined) {
    const first = input[1].split('\n')[0] ?? input[1];
    const at = / at ([\w.[\]]+)$/.exec(first);
    const field = at?.[1]?.split('.')[0];
    return { ok: false, code: 'INVALID_ARGUMENTS', message: `Invalid arguments: ${input[1].replace(/\n/g, '; ')}`, ...(field ? { field } : {}) };
  }
  if (/^Tool \S+ (not found|disabled)$/.test(message)) return { ok: false, code: 'INVALID_ARGUMENTS', message };
  return { ok: false, code: 'BACKEND_ERROR', message: message || 'The tool failed without a message' };
}

export function readToolResult(result: RawToolResult): ToolCallOutcome {
  const lines = texts(result.content);
  if (!result.isError) {
    const summary = lines[1] ?? lines[0];
    return { ok: true, data: result.structuredContent ?? null, ...(summary === undefined ? {} : { text: summary }) };
  }
  const payload = result.structuredContent;
  if (isRecord(payload) && TOOL_ERROR_CODES.includes(payload.code as ToolErrorCode) && typeof payload.message === 'string') {
    const field = typeof payload.field === 'string' ? { field: payload.field } : {};
    return { ok: false, code: payload.code as ToolErrorCode, message: payload.message, ...field };
  }
  return sdkFailure(lines.join('\n'));
}
