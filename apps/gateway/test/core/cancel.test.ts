// cancel-prompt: a running request stops with code CANCELLED, the MCP call is cancelled without killing the
// warm worker or its child (same pid before and after), and the next request succeeds.
import type { PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpPool } from '../../src/mcp/pool/index.js';
import { callTool, sendPrompt, startGateway, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { sleep } from '@leadlovers/testing';

describe('cancel-prompt', () => {
  let gw: TestGateway;
  let socket: Client;
  beforeAll(async () => {
    gw = await startGateway({ EMBEDDED_LATENCY_MS: '3000' });
    socket = await gw.connect('cancel-user');
  });
  afterAll(() => gw.close());

  const cancel = (requestId: unknown) =>
    untyped(socket).timeout(5_000).emitWithAck('cancel-prompt', { requestId });

  it('stops a running prompt and a running tool call; the warm child survives', async () => {
    const pool = gw.deps.runner as McpPool;
    const pidsBefore = pool.childPids();

    const prompt = sendPrompt(socket, 'Liste todas as máquinas disponíveis', 'to-cancel-1');
    await sleep(300);
    expect(await cancel('to-cancel-1')).toEqual({ ok: true, data: { cancelled: true } });
    const started = Date.now();
    const answered: PromptResponse = await prompt;
    expect(answered).toMatchObject({ isSuccess: false, code: 'CANCELLED', requestId: 'to-cancel-1', tool: 'get_machines' });
    expect(Date.now() - started).toBeLessThan(2_500); // it did not wait for the 3 s call

    const tool = callTool(socket, 'get_leads', {}, 'to-cancel-2');
    await sleep(300);
    await cancel('to-cancel-2');
    expect(await tool).toMatchObject({ isSuccess: false, code: 'CANCELLED', tool: 'get_leads' });

    expect(pool.childPids()).toEqual(pidsBefore);
    expect((await sendPrompt(socket, 'Mostre todas as máquinas')).isSuccess).toBe(true);
    expect(pool.childPids()).toEqual(pidsBefore);
  }, 30_000);

  it('answers cancelled: false for an unknown or finished request, and a coded error for a bad payload', async () => {
    expect(await cancel('never-sent')).toEqual({ ok: true, data: { cancelled: false } });
    expect(await cancel(42)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });
});
