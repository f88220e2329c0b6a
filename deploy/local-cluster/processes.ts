// Child-process plumbing for the local cluster: spawn each in its own process group (MCP grandchildren go with
// it), keep a tail of its output, stop with SIGTERM then SIGKILL after a bound, and SIGKILL what is still running
// when this process exits (a signal that kills it outright runs no handler: the CLI traps SIGINT/SIGTERM).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
  exitStatus(): number | string | undefined;
  /** The last lines of stdout and stderr, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM to the leader, SIGKILL to its whole group after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each output line (CLI: print with a prefix). */
  onLine?: (name: string, line: string) => void;
  tailLines?: number;
}

const running = new Set<ManagedProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

/** Last resort: on exit, SIGKILL every process group still running and remove temp dirs (all synchronous). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const managed of running) killGroup(managed.pid, 'SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

export function registerTempDir(dir: string): () => void {
  installExitHook();
  tempDirs.add(dir);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

export function startProcess(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
  installExitHook();
  const limit = options.tailLines ?? 200;
  const lines: string[] = [];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stop() reaches the grandchildren too, and a terminal's Ctrl-C reaches only the
    // parent, which then stops everything in order.
    detached: true,
  });
  // A spawn failure (ENOENT, EACCES) is reported through 'error'; without a listener it would crash the caller.
  child.on('error', (err) => lines.push(`spawn error: ${err.message}`));
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > limit) lines.shift();
        options.onLine?.(name, line);
      }
    });
  }

  let status: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      status = code ?? signal ?? 'unknown';
      running.delete(managed);
      // Whatever the leader left behind in its group (an MCP child of a crashed node) goes too. The kernel
      // does not reuse a pid while it still names a live process group, so this reaches only our processes.
      killGroup(pid, 'SIGKILL');
      resolve(status);
    });
  });

  const managed: ManagedProcess = {
    name,
    pid,
    child,
    exited,
    exitStatus: () => status,
    tail: (count = 40) => lines.slice(-count).join('\n'),
    async stop(graceMs = 10_000) {
      if (status !== undefined) return;
      // SIGTERM to the leader only: a gateway closes its own MCP children while draining (signalling them too
      // would make its pool respawn them); the group gets SIGKILL if the leader overruns the bound.
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // exited meanwhile
      }
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(managed);
  return managed;
}

/** Distinct free TCP ports on 127.0.0.1 (all held open together, so they differ from each other). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Finds an executable on PATH or in the given extra directories (nginx lives in /usr/sbin on Debian). */
export function findExecutable(name: string, extraDirs: readonly string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Polls `check` until it returns a value, at most until `timeoutMs` has passed. Fails at once when `abort`
 * returns a reason (e.g. the process being waited for has exited).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw new Error(`${what}: ${aborted}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${options.timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
