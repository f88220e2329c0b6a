// @leadlovers/tool-result: the one owner of the tool-result contract between the LeadLovers MCP server (writes
// results) and its clients, the gateway first (reads them): error codes, result shapes, outcomes, summaries.
export { TOOL_ERROR_CODES, isToolErrorCode, type ToolErrorCode, type ToolErrorPayload } from './codes.js';
export { toolErrorResult, toolSuccessResult } from './write.js';
export type { CallFailureCode, ToolCallOutcome, ToolCallResult } from './outcome.js';
export { readToolResult } from './read-result.js';
export { readToolCallError, type CallErrorContext } from './read-error.js';
export { summarizeToolResult, type SummaryLanguage, type SummaryNotes } from './summaries.js';
