// The warm pool in steady state, on one two-worker pool over the fake MCP server: warm start, multiplexing,
// caller _meta, result and error mapping, per-call timeout and cancel, the tool list, the child's environment.
// Each in both worker modes: a piscina thread per child, and inline on the main thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpPool, PoolEvent } from '../../../src/mcp/pool/index.js';
import { caller, childPidsOf, rejection, servedBy, startPool, waitFor } from '../helpers.js';

describe.each([{ mode: 'threads', inline: false }, { mode: 'inline', inline: true }])('warm MCP pool ($mode)', ({ inline }) => {
  let pool: McpPool;
  let startPids: number[];
  const events: PoolEvent[] = [];

  beforeAll(async () => {
    // In this process's environment but not allow-listed: must not reach the children.
    process.env.MCP_POOL_TEST_SECRET = 'must-not-leak';
    pool = await startPool({ size: 2, inline, onEvent: (event) => events.push(event), env: { FAKE_MCP_MARKER: 'marker-42' } });
    startPids = pool.childPids().sort((a, b) => a - b);
  });
  afterAll(async () => {
    delete process.env.MCP_POOL_TEST_SECRET;
    await pool?.close();
  });

  it('has one child per worker running before the first call, and calls spawn no more', async () => {
    expect(startPids).toHaveLength(2);
    const osChildren = childPidsOf();
    expect(osChildren).toEqual(expect.arrayContaining(startPids));
    expect(pool.stats()).toMatchObject({ workers: 2, readyWorkers: 2, inFlight: 0, queued: 0, childRestarts: 0 });

    const served = await Promise.all(Array.from({ length: 40 }, () => servedBy(pool)));
    expect(new Set(served).size).toBeGreaterThanOrEqual(1);
    for (const pid of served) expect(startPids).toContain(pid);
    expect(childPidsOf()).toEqual(osChildren);
    expect(events.filter((event) => event.type === 'child-spawned')).toHaveLength(2);
  });

  it('multiplexes many concurrent calls over one child per worker', async () => {
    const calls = Array.from({ length: 20 }, () => pool.callTool({ name: 'sleep', arguments: { ms: 1_000 }, caller }));
    // All 20 are in flight at once on 2 workers (none queued), so each child serves several concurrently.
    await waitFor('20 calls in flight', () => (pool.stats().inFlight === 20 ? true : undefined));
    expect(pool.stats().queued).toBe(0);
    expect(childPidsOf()).toEqual(expect.arrayContaining(startPids));
    const results = await Promise.all(calls);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(pool.childPids().sort((a, b) => a - b)).toEqual(startPids);
  });

  it('passes the caller to the tool in _meta', async () => {
    const result = await pool.callTool({ name: 'whoami', arguments: {}, caller });
    expect(result).toMatchObject({ ok: true, data: { caller } });
  });

  it('returns structuredContent as data, without its text rendering', async () => {
    const result = await pool.callTool({ name: 'echo', arguments: { message: 'olá' }, caller });
    expect(result).toEqual({ ok: true, data: { message: 'olá' } });
  });

  it("maps a tool's own error result to { ok: false, code, message, field }", async () => {
    const result = await pool.callTool({ name: 'fail', arguments: {}, caller });
    expect(result).toEqual({ ok: false, code: 'NOT_FOUND', message: 'No lead with that email', field: 'email' });
  });

  it('maps arguments that fail the input schema to INVALID_ARGUMENTS naming the field', async () => {
    const result = await pool.callTool({ name: 'echo', arguments: { message: 42 }, caller });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_ARGUMENTS', field: 'message' });
    expect(result.ok === false && result.message).toMatch(/Invalid arguments for tool echo/);
  });

  it('throws UNKNOWN_TOOL for a tool the server does not have', async () => {
    const err = await rejection(pool.callTool({ name: 'no_such_tool', arguments: {}, caller }));
    expect(err.code).toBe('UNKNOWN_TOOL');
    expect(err.message).toContain('no_such_tool');
  });

  it('times a slow call out with TIMEOUT and keeps the same children answering', async () => {
    const err = await rejection(pool.callTool({ name: 'sleep', arguments: { ms: 20_000 }, caller, timeoutMs: 300 }));
    expect(err.code).toBe('TIMEOUT');
    // The worker cancelled the MCP request (notifications/cancelled) instead of killing anything.
    await waitFor('the timed-out call to leave the worker', () => (pool.stats().inFlight === 0 ? true : undefined));
    expect(events.some((event) => event.type === 'child-exit')).toBe(false);
    expect(pool.childPids().sort((a, b) => a - b)).toEqual(startPids);
    for (let i = 0; i < 6; i += 1) expect(startPids).toContain(await servedBy(pool));
  });

  it("cancels a call through the caller's AbortSignal without harming the child", async () => {
    const controller = new AbortController();
    const call = pool.callTool({ name: 'sleep', arguments: { ms: 20_000 }, caller, signal: controller.signal });
    await waitFor('the call to be in flight', () => (pool.stats().inFlight === 1 ? true : undefined));
    controller.abort();
    expect((await rejection(call)).code).toBe('TIMEOUT');
    await waitFor('the cancelled call to leave the worker', () => (pool.stats().inFlight === 0 ? true : undefined));
    expect(pool.childPids().sort((a, b) => a - b)).toEqual(startPids);
  });

  it('lists the tools once and serves the cached list after', async () => {
    const tools = await pool.listTools();
    expect(await pool.listTools()).toBe(tools);
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(echo).toMatchObject({ name: 'echo', title: 'Echo', description: 'Returns its message' });
    expect(echo?.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } } });
    expect(echo?.outputSchema).toMatchObject({ type: 'object' });
    expect(tools.map((tool) => tool.name).sort()).toEqual(['crash', 'echo', 'env', 'fail', 'pid', 'sleep', 'whoami']);
  });

  it('gives the child only the allow-listed environment plus options.env', async () => {
    const env = async (name: string) => {
      const result = await pool.callTool({ name: 'env', arguments: { name }, caller });
      return result.ok ? (result.data as { value: string | null }).value : undefined;
    };
    expect(await env('FAKE_MCP_MARKER')).toBe('marker-42');
    expect(await env('PATH')).toBeTruthy();
    expect(await env('MCP_POOL_TEST_SECRET')).toBeNull();
  });
});
