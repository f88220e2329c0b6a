// Public surface of @leadlovers/mcp-server for other workspace packages: how to spawn it and its parts for
// running it in-process (tests: createMcpServer over an InMemoryTransport). Its results are read with
// @leadlovers/tool-result; its environment is checked with ./config.
export { mcpServerCommand, type McpServerCommand } from './command.js';
export { createMcpServer, SERVER_NAME, SERVER_VERSION, type McpServerDeps } from './server.js';
export { createEmbeddedBackend, type EmbeddedBackendOptions } from './backend/embedded/backend.js';
export type { LeadLoversBackend } from './backend/types.js';
export { createHttpBackend, type HttpBackendOptions } from './backend/http/backend.js';
export { createLeadLoversClient, DEFAULT_API_URL, type LeadLoversClientOptions } from './backend/http/client.js';
export { parseAccountTokens, tokenForAccount, type AccountTokens } from './backend/http/account-tokens.js';
export { ToolError } from './errors.js';
export { DEFAULT_DB_PATH, loadConfig as loadMcpServerConfig, ConfigError as McpServerConfigError } from './config.js';
export type { ToolArgs, ToolOutput } from './tool-types.js';
