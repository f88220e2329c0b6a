// The compiled workspace, for the tests that run it (the image's deploy output, `pnpm start`, the README's
// commands): `pnpm build` under a lock, so two test files (vitest runs two at once) never write dist/ together
// (tsc -b is incremental: a second build with nothing changed takes seconds). And a compiled gateway started as a
// process, with what it runs: its command line and its children's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childPidsOf } from '../mcp/helpers.js';
import { eventually } from '@leadlovers/testing';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const LOCK = join(tmpdir(), `leadlovers-build-${Buffer.from(REPO).toString('hex').slice(-24)}.lock`);

let built = false;

/** Runs `pnpm build` once per test process (under a lock shared with the other test processes). */
export function ensureBuilt(): void {
  if (built) return;
  const run = spawnSync('flock', [LOCK, 'pnpm', 'build'], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
  if (run.error) throw new Error(`cannot run pnpm build (flock, from util-linux, and pnpm are needed): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`pnpm build failed with ${run.status}:\n${run.stdout}\n${run.stderr}`);
  built = true;
}

/** The NUL-separated command line of a live process. */
export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

export interface CompiledGateway {
  child: ChildProcess;
  url: string;
  /** The command lines of its MCP children, once the pool is warm. */
  children(): string[][];
  /** Lines of its output so far (JSON log and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node <args>` in `cwd` and waits for its "gateway listening on" log line (PORT=0: any free port). */
export async function startCompiledGateway(args: string[], cwd: string, env: Record<string, string>): Promise<CompiledGateway> {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', PORT: '0', ENV_FILE: '/nonexistent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    // eventually() returns the first truthy answer: the URL.
    const url = (await eventually(
      (): string | false => {
        if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${output.slice(-2_000)}`);
        return /gateway listening on (http:\/\/\S+?)"/.exec(output)?.[1] ?? false;
      },
      600,
      100,
    )) as string;
    const port = new URL(url).port;
    const base = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 300, 100);
    return {
      child,
      url: base,
      children: () => childPidsOf(child.pid).map(commandLine),
      output: () => output,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
