// Processes of a run: forking our TypeScript files (tsx loader, IPC channel), stopping them for sure, and reading
// a process tree's CPU time and RSS from /proc — the server and its MCP children measured from outside, so the
// measuring costs the server nothing.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { tsxLoader } from '../../apps/gateway/src/mcp/pool/ts-runtime.js';
import { Remote } from './ipc.js';

export interface Forked {
  child: ChildProcess;
  remote: Remote;
  pid: number;
}

/**
 * Forks a bench .ts file with the tsx loader and an IPC channel. Its stdout (a production gateway's JSON log)
 * goes to `stdoutFd` (default /dev/null): piping it here would put its cost on this process.
 */
export function forkTs(file: URL, name: string, env: Record<string, string>, stdoutFd?: number, nodeFlags: readonly string[] = []): Forked {
  const child = fork(fileURLToPath(file), [], {
    // The MCP SDK's stdio transport adds a 'drain' listener per write while a child's stdin is full: with hundreds
    // of calls in flight Node warns about a listener leak that is none, once per process, thread and child.
    execArgv: [...nodeFlags, '--import', tsxLoader(), '--disable-warning=MaxListenersExceededWarning'],
    env: { ...process.env, ...env },
    stdio: ['ignore', stdoutFd ?? 'ignore', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { child, remote: new Remote(name, child), pid: child.pid };
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export function stop(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  pid: number;
  ppid: number;
  cpuMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pid, ppid: Number(fields[1]), cpuMs: ((utime + stime) * 1000) / clockTicks() };
  } catch {
    return undefined;
  }
}

function readRssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface TreeSample {
  /** CPU time (user + system, all threads) of the process itself, ms. */
  cpuMs: number;
  /** The same, with every descendant (MCP children) added. */
  treeCpuMs: number;
  rssBytes: number;
  treeRssBytes: number;
  descendants: number;
}

export function sampleTree(pid: number): TreeSample {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) all.push(stat);
  }
  const tree = new Set([pid]);
  // Parents are listed before children only usually: repeat until no process joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (tree.has(p.pid) || !tree.has(p.ppid)) continue;
      tree.add(p.pid);
      grew = true;
    }
  }
  const own = all.find((p) => p.pid === pid);
  let treeCpuMs = 0;
  let treeRssBytes = 0;
  for (const p of all) {
    if (!tree.has(p.pid)) continue;
    treeCpuMs += p.cpuMs;
    treeRssBytes += readRssBytes(p.pid);
  }
  return { cpuMs: own?.cpuMs ?? 0, treeCpuMs, rssBytes: readRssBytes(pid), treeRssBytes, descendants: tree.size - 1 };
}

/** The soft limit on open files of this process (children inherit it). */
export function openFilesLimit(): number {
  const match = /Max open files\s+(\d+)\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match ? Number(match[1]) : 1024;
}

export interface ThreadSample {
  tid: number;
  name: string;
  cpuMs: number;
}

/** CPU time of each thread of a process (main thread tid = pid; worker, GC and libuv threads by their name). */
export function sampleThreads(pid: number): ThreadSample[] {
  const threads: ThreadSample[] = [];
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      threads.push({ tid: Number(tid), name, cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks() });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
