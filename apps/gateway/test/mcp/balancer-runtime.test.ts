// Unit tests of the ready-first load balancer, and of ts-runtime: the worker's execArgv, the node command for a
// server, and a whole pool started from a script run by the tsx CLI (outside vitest's own TypeScript handling).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pickWorker, type BalancedWorker } from '../../src/mcp/pool/balancer.js';
import { nodeCommand, runnableFile, tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { childPidsOf, expectGone } from './helpers.js';

const ready = new Set([2, 3]);
function worker(id: number, inFlight: number, gone = false): BalancedWorker & { id: number } {
  return { id, inFlight, ready: ready.has(id) && !gone, gone };
}
const balance = (workers: Array<BalancedWorker & { id: number }>) => pickWorker(workers, 4);

describe('pickWorker', () => {
  it('picks the least busy ready worker, even over an idle one whose child is down', () => {
    expect(balance([worker(1, 0), worker(2, 3), worker(3, 1)])?.id).toBe(3);
  });

  it('falls back to a worker whose child is down only when every ready worker is full', () => {
    expect(balance([worker(1, 2), worker(2, 4), worker(3, 4)])?.id).toBe(1);
  });

  it('returns none (the call queues) only when every worker is full', () => {
    expect(balance([worker(1, 4), worker(2, 4), worker(3, 4)])).toBeUndefined();
    expect(balance([worker(1, 4), worker(2, 4), worker(3, 3)])?.id).toBe(3);
  });

  it('never picks a worker whose thread is gone', () => {
    expect(balance([worker(2, 0, true), worker(1, 3)])?.id).toBe(1);
    expect(balance([worker(2, 0, true)])).toBeUndefined();
  });
});

describe('ts-runtime', () => {
  it('runs a .ts worker with the tsx loader, once, and a .js worker as is', () => {
    const ts = runnableFile(new URL('../../src/mcp/worker/thread-entry.ts', import.meta.url));
    expect(ts.filename).toBe(fileURLToPath(new URL('../../src/mcp/worker/thread-entry.ts', import.meta.url)));
    expect(ts.execArgv.filter((arg) => arg === tsxLoader())).toHaveLength(1);
    expect(ts.execArgv.slice(0, process.execArgv.length)).toEqual(process.execArgv);
    expect(runnableFile('/srv/worker.js').execArgv).toEqual(process.execArgv);
  });

  it("drops the process-wide V8 heap flags a worker refuses, and keeps the others", () => {
    const parent = ['--max-semi-space-size=64', '--enable-source-maps', '--max-old-space-size=2048', '--min-semi-space-size=8'];
    expect(runnableFile('/srv/worker.js', parent).execArgv).toEqual(['--enable-source-maps']);
  });

  it('starts a server file with this node binary directly', () => {
    expect(nodeCommand('/srv/server.ts')).toEqual({ command: process.execPath, args: ['--import', tsxLoader(), '/srv/server.ts'] });
    expect(nodeCommand('/srv/server.js')).toEqual({ command: process.execPath, args: ['/srv/server.js'] });
  });

  it('starts a pool from a script run by the tsx CLI, and leaves no child behind', async () => {
    const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
    const script = fileURLToPath(new URL('../fixtures/pool-smoke.ts', import.meta.url));
    const before = childPidsOf();
    const { stdout } = await promisify(execFile)(process.execPath, [tsxCli, script], { timeout: 60_000 });
    const { result, pids } = JSON.parse(stdout) as { result: { ok: boolean; data: { pid: number } }; pids: number[] };
    expect(result.ok).toBe(true);
    expect(pids).toEqual([result.data.pid]);
    expectGone(result.data.pid);
    expect(childPidsOf()).toEqual(before);
  });
});
