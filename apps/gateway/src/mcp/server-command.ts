// Which MCP server the pool runs: the bundled apps/mcp-server by default, or MCP_SERVER_PATH — a .ts file (run
// through tsx), a .js/.mjs/.cjs file (run by this Node), or any other executable (run as is, e.g. a .NET server).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mcpServerCommand } from '@leadlovers/mcp-server';

export interface ServerCommand {
  command: string;
  args: string[];
}

export function resolveServerCommand(serverPath: string | undefined): ServerCommand {
  if (!serverPath) return mcpServerCommand();
  const file = resolve(serverPath);
  if (/\.(c|m)?ts$/.test(file)) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { command: process.execPath, args: ['--import', tsx, file] };
  }
  if (/\.(c|m)?js$/.test(file)) return { command: process.execPath, args: [file] };
  return { command: file, args: [] };
}
