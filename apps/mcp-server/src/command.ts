// How to start this MCP server as a child process: this Node on main.js once compiled (`pnpm build`: plain Node,
// no TypeScript loader), or with tsx's loader on src/main.ts when this module itself runs from the sources (tests,
// tsx; tsx is a development dependency). Absolute paths, so it works from any working directory. The gateway's
// warm pool and the tests spawn exactly this.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface McpServerCommand {
  command: string;
  args: string[];
}

const FROM_SOURCES = import.meta.url.endsWith('.ts');

export const MAIN_PATH = fileURLToPath(new URL(FROM_SOURCES ? './main.ts' : './main.js', import.meta.url));

export function mcpServerCommand(): McpServerCommand {
  if (!FROM_SOURCES) return { command: process.execPath, args: [MAIN_PATH] };
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { command: process.execPath, args: ['--import', tsxLoader, MAIN_PATH] };
}
