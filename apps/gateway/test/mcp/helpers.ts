// Shared helpers of the MCP pool tests: a pool on the fake MCP server, a silent logger, pid checks (via /proc, so
// "how many children does this process have" is answered by the OS, not by the pool) and bounded polling.
import { readdirSync, readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { expect } from 'vitest';
import { GatewayError } from '../../src/shared/errors.js';
import { createMcpPool, type McpPool, type McpPoolOptions } from '../../src/mcp/pool/index.js';
import { nodeCommand } from '../../src/mcp/pool/ts-runtime.js';
import { sleep } from '@leadlovers/testing';

export const fakeServer = nodeCommand(new URL('../fixtures/fake-mcp-server.ts', import.meta.url));
export const caller = { account: 'acct-1', userId: 'user-1', requestId: 'req-1' };

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export function startPool(overrides: Partial<McpPoolOptions> = {}): Promise<McpPool> {
  return createMcpPool({
    ...fakeServer,
    size: 1,
    maxQueue: 64,
    logger: silentLogger(),
    respawn: { initialMs: 50, maxMs: 500 },
    startTimeoutMs: 20_000,
    ...overrides,
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

export function expectGone(pid: number): void {
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

/** Pids of the live (not zombie) child processes of `parent`, read from /proc. */
export function childPidsOf(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid …": comm may hold spaces or parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === parent && state !== 'Z') pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The pid of the child that served a `pid` call. */
export async function servedBy(pool: McpPool): Promise<number> {
  const result = await pool.callTool({ name: 'pid', arguments: {}, caller });
  if (!result.ok) throw new Error(`pid failed: ${result.message}`);
  return (result.data as { pid: number }).pid;
}

export async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}
