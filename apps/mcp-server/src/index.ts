// Public surface of @leadlovers/mcp-server for other workspace packages: how to spawn it, how to read its
// results, and its parts for running it in-process (tests: createMcpServer over an InMemoryTransport).
export { mcpServerCommand, type McpServerCommand } from './command.js';
export { readToolResult, type ToolCallOutcome, type RawToolResult } from './tool-result.js';
export { createMcpServer, SERVER_NAME, SERVER_VERSION, type McpServerDeps } from './server.js';
export { createEmbeddedBackend, type EmbeddedBackendOptions } from './backend/embedded/backend.js';
export type { LeadLoversBackend } from './backend/types.js';
export { createHttpBackend, type HttpBackendOptions } from './backend/http/backend.js';
export { createLeadLoversClient, DEFAULT_API_URL, type LeadLoversClientOptions } from './backend/http/client.js';
export { parseAccountTokens, tokenForAccount, type AccountTokens } from './backend/http/account-tokens.js';
export { ToolError } from './errors.js';
export { DEFAULT_DB_PATH, loadConfig as loadMcpServerConfig, ConfigError as McpServerConfigError } from './config.js';
export type { ToolArgs, ToolOutput } from './tool-types.js';
