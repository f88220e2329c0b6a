// SIGTERM on a real gateway process (main.ts) with a prompt in flight: the client hears server-draining, gets
// its response, the process exits 0, and no MCP child process is left behind. A second signal exits at once.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import type { PromptResponse, ServerDraining } from '@leadlovers/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import { isRunning } from '../../src/mcp/pool/processes.js';
import { tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { GATEWAY_NODE_FLAGS } from '../../src/config/node-flags.js';
import { connected, nextEvent, TEST_SECRET, type Client } from '../helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';
import { freePorts } from '../../../../deploy/local-cluster/processes.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

describe('SIGTERM on a gateway process', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  async function startProcess(extraEnv: Record<string, string> = {}): Promise<{ gateway: ChildProcess; url: string; exit: Promise<number | null> }> {
    const dir = mkdtempSync(join(tmpdir(), 'sigterm-test-'));
    const port = (await freePorts(1))[0]!;
    // Started as deployed (package.json `start`, deploy/Dockerfile: the production V8 flags), with the pool in its
    // thread mode, which must not pass those process-wide flags on to its worker threads.
    const gateway = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, '--import', tsxLoader(), MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        ENV_FILE: join(dir, 'no.env'),
        PORT: String(port),
        HOST: '127.0.0.1',
        API_SECRET: TEST_SECRET,
        LEADLOVERS_DB_PATH: join(dir, 'embedded.sqlite'),
        MCP_POOL_SIZE: '1',
        MCP_POOL_INLINE: 'false',
        LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cleanup.push(() => {
      if (gateway.exitCode === null) gateway.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    const exit = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200, 300, 100);
    return { gateway, url, exit };
  }

  it('answers the prompt in flight, sends server-draining, exits 0 and leaves no child', async () => {
    const { gateway, url, exit } = await startProcess({ EMBEDDED_LATENCY_MS: '1500', DRAIN_TIMEOUT_MS: '10000' });
    const children = childPids(gateway.pid as number);
    expect(children.length).toBeGreaterThanOrEqual(1);

    const socket: Client = io(url, { auth: { token: await mintToken(TEST_SECRET, { userId: 'sigterm-user' }) }, transports: ['websocket'], reconnection: false });
    cleanup.push(() => socket.disconnect());
    await connected(socket);
    const draining = nextEvent<ServerDraining>(socket, 'server-draining');
    const response = socket.timeout(15_000).emitWithAck('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId: 'sigterm-1' });
    await sleep(300);
    gateway.kill('SIGTERM');

    expect((await draining).reconnectInMs).toBeGreaterThan(0);
    const answered: PromptResponse = await response;
    expect(answered).toMatchObject({ isSuccess: true, requestId: 'sigterm-1', tool: 'get_machines' });
    expect(await exit).toBe(0);
    await eventually(() => children.every((pid) => !isRunning(pid)), 100, 50);
  }, 60_000);

  it('a second signal exits at once, without waiting for the drain', async () => {
    const { gateway, url, exit } = await startProcess({ EMBEDDED_LATENCY_MS: '8000', DRAIN_TIMEOUT_MS: '60000' });
    const children = childPids(gateway.pid as number);
    const socket: Client = io(url, { auth: { token: await mintToken(TEST_SECRET, { userId: 'impatient' }) }, transports: ['websocket'], reconnection: false });
    cleanup.push(() => socket.disconnect());
    await connected(socket);
    const draining = nextEvent<ServerDraining>(socket, 'server-draining');
    socket.emit('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId: 'held-open' });
    await sleep(300);
    gateway.kill('SIGTERM');
    await draining; // the drain is now waiting for the 8 s request
    gateway.kill('SIGINT');
    expect(await exit).toBe(1);
    // Its children see stdin close and exit on their own.
    await eventually(() => children.every((pid) => !isRunning(pid)), 100, 50);
  }, 60_000);
});
