// Unit tests of ts-runtime: the worker thread's execArgv (on the pool's real thread entry), the node command for a
// server, and a whole pool started from a script run by the tsx CLI (outside vitest's own TypeScript handling).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeCommand, runnableFile, siblingExtension, tsxLoader } from '../../../src/mcp/pool/ts-runtime.js';
import { THREAD_ENTRY } from '../../../src/mcp/pool/worker-threads.js';
import { childPidsOf, expectGone } from '../helpers.js';

describe('ts-runtime', () => {
  it('runs a .ts worker with the tsx loader, once, and a .js worker as is', () => {
    const ts = runnableFile(THREAD_ENTRY);
    expect(ts.filename).toBe(fileURLToPath(new URL('../../../src/mcp/worker/thread-entry.ts', import.meta.url)));
    expect(existsSync(ts.filename)).toBe(true);
    expect(ts.execArgv.filter((arg) => arg === tsxLoader())).toHaveLength(1);
    expect(ts.execArgv.slice(0, process.execArgv.length)).toEqual(process.execArgv);
    expect(runnableFile('/srv/worker.js').execArgv).toEqual(process.execArgv);
  });

  it('names sibling entries .ts from the sources and .js once compiled, so each runs its own kind', () => {
    expect(siblingExtension(import.meta.url)).toBe('.ts');
    expect(siblingExtension('file:///app/dist/mcp/pool/worker-threads.js')).toBe('.js');
    expect(siblingExtension('file:///src/a.mts')).toBe('.ts');
    expect(THREAD_ENTRY.pathname.endsWith('/src/mcp/worker/thread-entry.ts')).toBe(true);
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
    const script = fileURLToPath(new URL('../../fixtures/pool-smoke.ts', import.meta.url));
    const before = childPidsOf();
    const { stdout } = await promisify(execFile)(process.execPath, [tsxCli, script], { timeout: 60_000 });
    const { result, pids } = JSON.parse(stdout) as { result: { ok: boolean; data: { pid: number } }; pids: number[] };
    expect(result.ok).toBe(true);
    expect(pids).toEqual([result.data.pid]);
    expectGone(result.data.pid);
    expect(childPidsOf()).toEqual(before);
  });
});
