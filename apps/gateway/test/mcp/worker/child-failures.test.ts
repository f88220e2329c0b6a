// Children that die: killed mid-call, crashing on their own, killed while idle. The call in flight fails with
// TOOL_UNAVAILABLE (or is retried once when read-only), the worker respawns its child, and later calls succeed.
// Each in both worker modes: a piscina thread per child, and inline on the main thread.
import { afterEach, describe, expect, it } from 'vitest';
import type { McpPool, McpPoolOptions, PoolEvent } from '../../../src/mcp/pool/index.js';
import { caller, expectGone, isAlive, rejection, servedBy, startPool, waitFor } from '../helpers.js';

describe.each([{ mode: 'threads', inline: false }, { mode: 'inline', inline: true }])('MCP pool with children that die ($mode)', ({ inline }) => {
  let pool: McpPool | undefined;
  let events: PoolEvent[];

  async function onePool(overrides: Partial<McpPoolOptions> = {}): Promise<{ pool: McpPool; pid: number }> {
    events = [];
    pool = await startPool({ size: 1, inline, onEvent: (event) => events.push(event), ...overrides });
    const [pid] = pool.childPids();
    if (pid === undefined) throw new Error('no child');
    return { pool, pid };
  }

  /** Polls with `pid` calls until one is served by a child other than `oldPid`. */
  function newChildServing(current: McpPool, oldPid: number): Promise<number> {
    return waitFor('a respawned child to serve a call', async () => {
      const pid = await servedBy(current).catch(() => undefined);
      return pid !== undefined && pid !== oldPid ? pid : undefined;
    });
  }

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('fails the call in flight with TOOL_UNAVAILABLE when its child is SIGKILLed, then respawns it', async () => {
    const { pool, pid } = await onePool();
    const call = pool.callTool({ name: 'sleep', arguments: { ms: 20_000 }, caller });
    await waitFor('the call to be in flight', () => (pool.stats().inFlight === 1 ? true : undefined));
    process.kill(pid, 'SIGKILL');

    const err = await rejection(call);
    expect(err.code).toBe('TOOL_UNAVAILABLE');
    const newPid = await newChildServing(pool, pid);
    expect(newPid).not.toBe(pid);
    expectGone(pid);
    expect(pool.childPids()).toEqual([newPid]);
    expect(pool.stats()).toMatchObject({ workers: 1, readyWorkers: 1, childRestarts: 1 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'child-exit', pid, signal: 'SIGKILL', expected: false }));
  });

  it('fails a call whose server exits mid-call (crash tool) with TOOL_UNAVAILABLE', async () => {
    const { pool, pid } = await onePool();
    const err = await rejection(pool.callTool({ name: 'crash', arguments: {}, caller }));
    expect(err.code).toBe('TOOL_UNAVAILABLE');
    expect(await newChildServing(pool, pid)).not.toBe(pid);
    expect(events).toContainEqual(expect.objectContaining({ type: 'child-exit', pid, code: 1, expected: false }));
  });

  it('retries a read-only call once on the respawned child', async () => {
    const { pool, pid } = await onePool();
    const call = pool.callTool({ name: 'sleep', arguments: { ms: 500 }, caller, readOnly: true });
    await waitFor('the call to be in flight', () => (pool.stats().inFlight === 1 ? true : undefined));
    process.kill(pid, 'SIGKILL');
    expect(await call).toMatchObject({ ok: true, data: { slept: 500 } });
    expect(pool.childPids()).not.toContain(pid);
  });

  it('sends the retry of a read whose child died to a worker whose child is up, not behind the respawn', async () => {
    events = [];
    // The dead child comes back only after 4 s: a retry queued on its worker would finish after that.
    pool = await startPool({ size: 2, inline, respawn: { initialMs: 4_000, maxMs: 4_000 }, onEvent: (event) => events.push(event) });
    const current = pool;
    const [first, second] = [0, 1].map(() => current.callTool({ name: 'sleep', arguments: { ms: 400 }, caller, readOnly: true }));
    await waitFor('both calls in flight, one per worker', () => (current.stats().inFlight === 2 ? true : undefined));
    const [victim] = current.childPids();
    if (victim === undefined) throw new Error('no child');
    process.kill(victim, 'SIGKILL');
    expect(await first).toMatchObject({ ok: true, data: { slept: 400 } });
    expect(await second).toMatchObject({ ok: true, data: { slept: 400 } });
    // Both answered while the victim's worker was still waiting to respawn its child.
    expect(events.some((e) => e.type === 'child-ready' && e.restart)).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'child-exit', pid: victim, signal: 'SIGKILL' }));
  });

  it('notices an idle child that died and respawns it without any call', async () => {
    const { pool, pid } = await onePool();
    process.kill(pid, 'SIGKILL');
    const ready = await waitFor('the respawned child', () =>
      events.find((event): event is Extract<PoolEvent, { type: 'child-ready' }> => event.type === 'child-ready' && event.restart),
    );
    expect(ready.pid).not.toBe(pid);
    expect(isAlive(ready.pid)).toBe(true);
    expectGone(pid);
    expect(pool.stats()).toMatchObject({ readyWorkers: 1, inFlight: 0, childRestarts: 1 });
    expect(await servedBy(pool)).toBe(ready.pid);
  });

  it('fails calls fast with TOOL_UNAVAILABLE while the only child is down', async () => {
    const { pool, pid } = await onePool({ respawn: { initialMs: 60_000, maxMs: 60_000 }, unavailableWaitMs: 0 });
    process.kill(pid, 'SIGKILL');
    await waitFor('the pool to see the child gone', () => (pool.stats().readyWorkers === 0 ? true : undefined));
    const err = await rejection(pool.callTool({ name: 'pid', arguments: {}, caller }));
    expect(err.code).toBe('TOOL_UNAVAILABLE');
    expect(events).toContainEqual(expect.objectContaining({ type: 'child-exit', pid, respawnInMs: expect.any(Number) }));
  });
});
