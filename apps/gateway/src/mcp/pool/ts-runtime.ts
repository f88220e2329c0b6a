// How to run one of our own files in another thread or process, from the sources or compiled. Compiled (`pnpm
// build`, `pnpm start`, the image) every entry is JavaScript and runs on plain Node. From the sources (tests, tsx)
// a .ts file needs tsx's loader (`--import tsx`), which a worker thread started under vitest, or a child process,
// does not inherit; tsx is a development dependency, so a production install cannot run TypeScript at all. The
// pool uses this for its worker threads; server-command.ts to start the MCP server.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

let tsxLoaderHref: string | undefined;

/** The file: URL of tsx's loader, resolved from this package so it works from any working directory. */
export function tsxLoader(): string {
  if (tsxLoaderHref) return tsxLoaderHref;
  try {
    tsxLoaderHref = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    throw new Error(
      'a TypeScript file cannot run here: tsx, the TypeScript loader, is a development dependency and this install has none; run the compiled JavaScript (`pnpm build`, then a .js entry)',
    );
  }
  return tsxLoaderHref;
}

function isTypeScript(path: string): boolean {
  return /\.[mc]?ts$/.test(path);
}

/**
 * The extension of the files beside `moduleUrl`: '.ts' when that module runs from its TypeScript source, '.js'
 * once compiled. An entry a module starts (a thread, a child) is named with it, so sources start sources and
 * compiled code starts compiled code.
 */
export function siblingExtension(moduleUrl: string): '.ts' | '.js' {
  return isTypeScript(new URL(moduleUrl).pathname) ? '.ts' : '.js';
}

/** V8 heap sizing flags are per process: a Worker refuses them in its execArgv (ERR_WORKER_INVALID_EXEC_ARGV). */
const PROCESS_ONLY_FLAG = /^--(max|min)-(semi|old)-space-size(=|$)|^--semi-space-growth-factor(=|$)/;

/**
 * Filename and execArgv for a worker thread (piscina or node:worker_threads) running `file`. The worker keeps
 * this thread's flags (as Node's default does) but the process-wide ones, and gains the tsx loader when the file
 * is TypeScript, unless this thread already has it (running under `tsx`).
 */
export function runnableFile(file: URL | string, parentArgv: readonly string[] = process.execArgv): { filename: string; execArgv: string[] } {
  const filename = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  const execArgv = parentArgv.filter((arg) => !PROCESS_ONLY_FLAG.test(arg));
  if (isTypeScript(filename) && !execArgv.includes(tsxLoader())) execArgv.push('--import', tsxLoader());
  return { filename, execArgv };
}

/**
 * Command and arguments that start `file` as a child process with this Node binary. Node runs the file itself (no
 * shell, npm or tsx CLI in between), so the pid we hold is the process that serves, and killing it leaves no
 * grandchild behind. A .ts file gets tsx's loader (development only: see tsxLoader()).
 */
export function nodeCommand(file: URL | string): { command: string; args: string[] } {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  return { command: process.execPath, args: isTypeScript(path) ? ['--import', tsxLoader(), path] : [path] };
}
