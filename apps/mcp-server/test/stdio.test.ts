// The process contract, checked on a raw child (no SDK client in between): stdout carries JSON-RPC only, logs
// go to stderr, stdin EOF and SIGTERM exit 0, and a bad environment value exits 1 naming the variable.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { CALLER_META_KEY } from '@leadlovers/tools';
import { sleep } from '@leadlovers/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mcpServerCommand } from '../src/index.js';
import { makeTempDir } from './helpers.js';

const temp = makeTempDir();
const children: ChildProcessWithoutNullStreams[] = [];

function spawnServer(env: Record<string, string>) {
  const { command, args } = mcpServerCommand();
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close', not 'exit': the child's last stderr lines may still be in the pipe when it has exited.
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const responses = async (ids: number[], timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id?: number });
      if (ids.every((id) => seen.some((m) => m.id === id))) return;
      if (Date.now() > deadline) throw new Error(`no responses for ${ids.join(',')}; stdout: ${stdout}; stderr: ${stderr}`);
      await sleep(25);
    }
  };
  return { child, send, responses, exited, stdout: () => stdout, stderr: () => stderr };
}

function handshake(server: ReturnType<typeof spawnServer>) {
  server.send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
  });
  server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => temp.remove());

describe('stdio process contract', () => {
  it('writes only JSON-RPC to stdout, logs JSON to stderr, and exits 0 on stdin EOF', async () => {
    const server = spawnServer({ LEADLOVERS_DB_PATH: path.join(temp.dir, 'a.sqlite'), LOG_LEVEL: 'debug' });
    handshake(server);
    const meta = { [CALLER_META_KEY]: { account: 'raw', userId: 'u1' } };
    server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_machines', arguments: {}, _meta: meta } });
    server.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'create_lead', arguments: { email: 'x' }, _meta: meta } });
    server.send({ jsonrpc: '2.0', id: 4, method: 'tools/list' });
    await server.responses([1, 2, 3, 4]);
    server.child.stdin.end();
    const [code] = await server.exited;
    expect(code).toBe(0);

    const lines = server.stdout().split('\n').filter(Boolean);
    expect(lines.length).toBe(4);
    for (const line of lines) {
      const message = JSON.parse(line) as { jsonrpc?: string; id?: number; result?: unknown };
      expect(message.jsonrpc).toBe('2.0');
      expect(message.result).toBeDefined();
    }
    const logs = server.stderr().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; level: number });
    expect(logs.some((l) => l.msg.includes('ready on stdio'))).toBe(true);
    expect(logs.some((l) => l.msg === 'tool call succeeded')).toBe(true);
    expect(logs.at(-1)?.msg).toBe('shutting down');
  });

  it('exits 0 on SIGTERM', async () => {
    const server = spawnServer({ LEADLOVERS_DB_PATH: path.join(temp.dir, 'b.sqlite') });
    handshake(server);
    await server.responses([1]);
    server.child.kill('SIGTERM');
    const [code] = await server.exited;
    expect(code).toBe(0);
    expect(server.stdout().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('exits 1 naming the variable when the environment is bad, with nothing on stdout', async () => {
    const server = spawnServer({ LEADLOVERS_DB_PATH: path.join(temp.dir, 'c.sqlite'), LOG_LEVEL: 'loud' });
    const [code] = await server.exited;
    expect(code).toBe(1);
    expect(server.stderr()).toMatch(/LOG_LEVEL/);
    expect(server.stdout()).toBe('');
  });
});
