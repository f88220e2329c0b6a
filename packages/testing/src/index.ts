// Helpers every package's tests share (the gateway's, the MCP server's, the client SDK's): one definition each.
// Test-only: no production code imports this package, and it is never built.
export { eventually, sleep } from './async.js';
export { codeReader } from './codes.js';
