// How to start this MCP server as a child process: this Node, with tsx's loader, on src/main.ts (absolute
// paths, so it works from any working directory). The gateway's warm pool and the tests spawn exactly this.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface McpServerCommand {
  command: string;
  args: string[];
}

export const MAIN_PATH = fileURLToPath(new URL('./main.ts', import.meta.url));

export function mcpServerCommand(): McpServerCommand {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { command: process.execPath, args: ['--import', tsxLoader, MAIN_PATH] };
}
