// Which MCP server the pool runs: the bundled apps/mcp-server by default, or MCP_SERVER_PATH — a .ts or .js file
// (run by this Node, through tsx's loader for .ts), or any other executable (run as is, e.g. a .NET server).
import { resolve } from 'node:path';
import { mcpServerCommand } from '@leadlovers/mcp-server';
import { nodeCommand } from './ts-runtime.js';

export interface ServerCommand {
  command: string;
  args: string[];
}

export function resolveServerCommand(serverPath: string | undefined): ServerCommand {
  if (!serverPath) return mcpServerCommand();
  const file = resolve(serverPath);
  if (/\.(c|m)?(ts|js)$/.test(file)) return nodeCommand(file);
  return { command: file, args: [] };
}
