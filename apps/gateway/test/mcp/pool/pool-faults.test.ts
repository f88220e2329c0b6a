// The warm pool under the gateway, with the real MCP server: a child killed mid-call fails that call cleanly
// (TOOL_UNAVAILABLE) while the socket and the node carry on, the next call succeeds on a respawned child, and a
// clean shutdown leaves no child process behind.
import { describe, expect, it } from 'vitest';
import type { McpPool } from '../../../src/mcp/pool/index.js';
import { isRunning } from '../../../src/mcp/pool/processes.js';
import { callTool, sendPrompt, startGateway } from '../../helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';

describe('pool faults through the gateway', () => {
  it('a child killed mid-call fails that call cleanly; the next call succeeds; shutdown leaves no child', async () => {
    // Every embedded-store call takes 1.5 s here, so the call is certainly in flight when its child dies.
    const gw = await startGateway({ EMBEDDED_LATENCY_MS: '1500' });
    const pool = gw.deps.runner as McpPool;
    const socket = await gw.connect('fault-user');
    const [pid] = pool.childPids();
    expect(pid).toBeGreaterThan(0);

    const inFlight = callTool(socket, 'create_lead', { email: 'doomed@example.com', machineCode: 12345 });
    await sleep(400);
    process.kill(pid as number, 'SIGKILL');
    const failed = await inFlight;
    expect(failed).toMatchObject({ isSuccess: false, code: 'TOOL_UNAVAILABLE', tool: 'create_lead' });
    expect(socket.connected).toBe(true);

    const newPid = await eventually(() => pool.childPids().find((p) => p !== pid), 200, 50);
    // With one worker, calls fail fast (TOOL_UNAVAILABLE) until the respawned child is ready: /readyz says when.
    await eventually(() => pool.stats().readyWorkers === 1, 200, 50);
    expect(isRunning(pid as number)).toBe(false);
    const next = await sendPrompt(socket, 'Liste todas as máquinas disponíveis');
    expect(next).toMatchObject({ isSuccess: true, tool: 'get_machines' });

    const pids = pool.childPids();
    expect(pids).toContain(newPid);
    await gw.close();
    await eventually(() => pids.every((p) => !isRunning(p)), 100, 50);
    expect(pool.childPids()).toEqual([]);
  });
});
