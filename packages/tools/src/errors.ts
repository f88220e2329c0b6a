// Codes a tool reports in a failed result's structuredContent ({ code, message, field? }). The gateway passes
// them through to the client as prompt-response `code`.
export const TOOL_ERROR_CODES = ['INVALID_ARGUMENTS', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'BACKEND_ERROR'] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

export interface ToolErrorPayload {
  code: ToolErrorCode;
  message: string;
  field?: string;
}

/** The `_meta` key under which the gateway passes the caller's identity to every tool call. */
export const CALLER_META_KEY = 'leadlovers/caller';
export interface CallerMeta {
  account: string;
  userId: string;
  requestId?: string;
}
