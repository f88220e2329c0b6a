// Codes a tool reports in a failed result's structuredContent ({ code, message, field? }). The gateway passes
// them through to the client as prompt-response `code` (BACKEND_ERROR becomes TOOL_FAILED on the wire).
export const TOOL_ERROR_CODES = ['INVALID_ARGUMENTS', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'BACKEND_ERROR', 'UPSTREAM_UNAVAILABLE'] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

export interface ToolErrorPayload {
  code: ToolErrorCode;
  message: string;
  field?: string;
}

export function isToolErrorCode(value: unknown): value is ToolErrorCode {
  return typeof value === 'string' && (TOOL_ERROR_CODES as readonly string[]).includes(value);
}
