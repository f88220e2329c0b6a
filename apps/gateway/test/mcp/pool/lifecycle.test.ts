// The pool's edges: a full queue answers BUSY at once; a bad server command fails createMcpPool with a message that
// names it and leaves nothing running; close() leaves no child (even one that ignores EOF and SIGTERM), twice over.
// Each in both worker modes: a piscina thread per child, and inline on the main thread.
import { afterEach, describe, expect, it } from 'vitest';
import { McpPoolStartError, type McpPool, type PoolEvent } from '../../../src/mcp/pool/index.js';
import { caller, childPidsOf, expectGone, fakeServer, rejection, startPool, waitFor } from '../helpers.js';

async function startFailure(promise: Promise<McpPool>): Promise<McpPoolStartError> {
  try {
    const pool = await promise;
    await pool.close();
  } catch (err) {
    if (err instanceof McpPoolStartError) return err;
    throw err;
  }
  throw new Error('expected createMcpPool to fail');
}

function spawnedPids(events: PoolEvent[]): number[] {
  return events.flatMap((event) => (event.type === 'child-spawned' ? [event.pid] : []));
}

describe.each([{ mode: 'threads', inline: false }, { mode: 'inline', inline: true }])('MCP pool lifecycle ($mode)', ({ inline }) => {
  let pool: McpPool | undefined;

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('answers BUSY at once when the queue is full', async () => {
    pool = await startPool({ inline, size: 1, concurrentCallsPerWorker: 1, maxQueue: 1 });
    const running = pool.callTool({ name: 'sleep', arguments: { ms: 20_000 }, caller });
    const queued = pool.callTool({ name: 'sleep', arguments: { ms: 10 }, caller });
    let runningSettled = false;
    void running.then(
      () => (runningSettled = true),
      () => (runningSettled = true),
    );
    void queued.catch(() => undefined);
    expect(pool.stats()).toMatchObject({ inFlight: 1, queued: 1 });

    const err = await rejection(pool.callTool({ name: 'pid', arguments: {}, caller }));
    expect(err.code).toBe('BUSY');
    expect(runningSettled).toBe(false);
    expect(pool.stats()).toMatchObject({ inFlight: 1, queued: 1 });
  });

  it('drops a queued call whose caller gave up (timeout or cancel): it never runs and frees its queue slot', async () => {
    pool = await startPool({ inline, size: 1, concurrentCallsPerWorker: 1, maxQueue: 2 });
    const running = pool.callTool({ name: 'sleep', arguments: { ms: 300 }, caller });
    // Either of these would hold the only slot for 20 s if it ran, and the last call would then time out.
    const expired = rejection(pool.callTool({ name: 'sleep', arguments: { ms: 20_000 }, caller, timeoutMs: 50 }));
    const controller = new AbortController();
    const cancelled = rejection(pool.callTool({ name: 'sleep', arguments: { ms: 20_000 }, caller, signal: controller.signal }));
    expect(pool.stats()).toMatchObject({ inFlight: 1, queued: 2 });
    controller.abort();
    expect((await expired).code).toBe('TIMEOUT');
    expect((await cancelled).code).toBe('TIMEOUT');
    expect(pool.stats()).toMatchObject({ inFlight: 1, queued: 0 });
    const last = pool.callTool({ name: 'pid', arguments: {}, caller, timeoutMs: 10_000 });
    expect(pool.stats()).toMatchObject({ queued: 1 });
    expect((await running).ok).toBe(true);
    expect((await last).ok).toBe(true);
    expect(pool.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('runs queued calls in the order they came, as slots free up', async () => {
    pool = await startPool({ inline, size: 1, concurrentCallsPerWorker: 1, maxQueue: 10 });
    const order: number[] = [];
    const calls = Array.from({ length: 6 }, (_, i) =>
      pool!.callTool({ name: 'sleep', arguments: { ms: 5 }, caller }).then((result) => {
        order.push(i);
        return result.ok;
      }),
    );
    expect(pool.stats()).toMatchObject({ inFlight: 1, queued: 5 });
    expect(await Promise.all(calls)).toEqual([true, true, true, true, true, true]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('fails start-up clearly when the command does not exist', async () => {
    const err = await startFailure(startPool({ inline, command: '/nonexistent/mcp-server', args: [] }));
    expect(err.message).toContain('/nonexistent/mcp-server');
    expect(err.message).toMatch(/could not be started.*ENOENT/);
  });

  it('fails start-up clearly for a bad server path and leaves no process behind', async () => {
    const events: PoolEvent[] = [];
    const before = childPidsOf();
    const badPath = '/nonexistent/apps/mcp-server/src/main.js';
    const err = await startFailure(startPool({ inline, command: process.execPath, args: [badPath], size: 2, onEvent: (e) => events.push(e) }));
    expect(err.message).toContain(badPath);
    expect(err.message).toMatch(/exited with code 1 before finishing the MCP initialize handshake/);
    expect(err.message).toMatch(/Cannot find module/);
    for (const pid of spawnedPids(events)) expectGone(pid);
    expect(childPidsOf()).toEqual(before);
  });

  it('fails start-up after startTimeoutMs for a server that never initialises, and kills it', async () => {
    const events: PoolEvent[] = [];
    // Long enough for the worker thread to boot and spawn the child on a loaded machine, so there is one to kill.
    const err = await startFailure(
      startPool({ inline, env: { FAKE_MCP_HANG: '1' }, startTimeoutMs: 5_000, onEvent: (event) => events.push(event) }),
    );
    expect(err.message).toContain(fakeServer.args.at(-1));
    expect(err.message).toMatch(/within 5000 ms/);
    const pids = spawnedPids(events);
    expect(pids).toHaveLength(1);
    for (const pid of pids) expectGone(pid);
  });

  it('closes every child, is idempotent, and refuses calls after', async () => {
    pool = await startPool({ inline, size: 2 });
    const pids = pool.childPids();
    expect(pids).toHaveLength(2);
    const first = pool.close();
    expect(pool.close()).toBe(first);
    await first;
    for (const pid of pids) expectGone(pid);
    expect(childPidsOf()).not.toEqual(expect.arrayContaining(pids));
    expect(pool.childPids()).toEqual([]);
    expect(pool.stats()).toMatchObject({ workers: 0, readyWorkers: 0, inFlight: 0 });
    await pool.close();
    expect((await rejection(pool.callTool({ name: 'pid', arguments: {}, caller }))).code).toBe('TOOL_UNAVAILABLE');
  });

  it('fails calls in flight with TOOL_UNAVAILABLE on close', async () => {
    pool = await startPool({ inline });
    const call = pool.callTool({ name: 'sleep', arguments: { ms: 20_000 }, caller, readOnly: true });
    const current = pool;
    const failure = rejection(call);
    await waitFor('the call to be in flight', () => (current.stats().inFlight === 1 ? true : undefined));
    await pool.close();
    expect((await failure).code).toBe('TOOL_UNAVAILABLE');
  });

  it('kills a child that ignores stdin EOF and SIGTERM', async () => {
    pool = await startPool({ inline, env: { FAKE_MCP_STUBBORN: '1' } });
    const pids = pool.childPids();
    await pool.close();
    for (const pid of pids) expectGone(pid);
  });
});
