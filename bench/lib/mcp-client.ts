// The floor's MCP side: one SDK Client over StdioClientTransport to the bundled MCP server, started exactly as the
// gateway's pool starts it (same command, same minimal environment, same tools/call request with the caller in
// _meta), so the floor and the gateway run the same tool on the same kind of child.
// The SDK is a dependency of apps/gateway, not of the workspace root: imported from there by path.
import { Client } from '../../apps/gateway/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js';
import { StdioClientTransport } from '../../apps/gateway/node_modules/@modelcontextprotocol/sdk/dist/esm/client/stdio.js';
import { CallToolResultSchema, type CallToolResult } from '../../apps/gateway/node_modules/@modelcontextprotocol/sdk/dist/esm/types.js';
import { mcpServerCommand as sourceCommand } from '../../apps/mcp-server/src/command.js';
import type * as CommandModule from '../../apps/mcp-server/src/command.js';
const mcpServerCommand = process.env.BENCH_COMPILED === '1' ? ((await import('../../apps/mcp-server/dist/command.js' as string)) as typeof CommandModule).mcpServerCommand : sourceCommand;
import { childEnvironment } from '../../apps/gateway/src/mcp/pool/processes.js';
import { CALLER_META_KEY } from '../../packages/tools/src/caller.js';

export const BENCH_TOOL = 'get_machines';

export interface Caller {
  account: string;
  userId: string;
  requestId?: string;
}

export async function openMcpClient(dbPath: string): Promise<Client> {
  const { command, args } = mcpServerCommand();
  // The server's stdio transport adds a 'drain' listener per response while its stdout is full: with hundreds of
  // calls in flight Node prints a listener-leak warning that is none.
  const transport = new StdioClientTransport({ command, args: ['--disable-warning=MaxListenersExceededWarning', ...args], env: childEnvironment({ LOG_LEVEL: 'warn', LEADLOVERS_DB_PATH: dbPath }), stderr: 'inherit' });
  const client = new Client({ name: 'bench-floor', version: '0.1.0' }, { capabilities: {} });
  await client.connect(transport);
  return client;
}

/** The same tools/call the gateway's worker sends (client.request, no client-side output-schema re-check). */
export function callBenchTool(client: Client, caller: Caller): Promise<CallToolResult> {
  return client.request(
    { method: 'tools/call', params: { name: BENCH_TOOL, arguments: {}, _meta: { [CALLER_META_KEY]: caller } } },
    CallToolResultSchema,
    { timeout: 15_000 },
  );
}
