// The warm MCP pool, the main-thread side of mcp/ and what the gateway imports: createMcpPool starts `size` workers
// (piscina threads, or inline on the main thread), each owning one long-lived MCP server child, and resolves once
// every child has initialised and the tools are listed. See warm-pool.ts for how the parts fit.
import { McpPoolStartError, type McpPool, type McpPoolOptions } from './api.js';
import { WarmMcpPool } from './warm-pool.js';

export { McpPoolStartError, type McpPool, type McpPoolOptions, type PoolEvent, type Sampler } from './api.js';

export async function createMcpPool(options: McpPoolOptions): Promise<McpPool> {
  const pool = new WarmMcpPool(options);
  try {
    await pool.started;
    // Warms the tool cache and proves the server answers requests, not just the handshake.
    await pool.listTools().catch((err: unknown) => {
      throw new McpPoolStartError(`The MCP server \`${options.command}\` did not list its tools: ${(err as Error).message}`);
    });
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}
