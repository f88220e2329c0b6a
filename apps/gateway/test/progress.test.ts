// prompt-progress: planned, tool-started, then tool-progress from the MCP server's progress notifications,
// all before the prompt-response, for send-prompt and for call-tool. Progress also keeps a slow call alive
// past its timeout (the MCP resetTimeoutOnProgress rule).
import type { PromptProgress, PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, startGateway, type Client, type TestGateway } from './helpers/gateway.js';

describe('prompt-progress', () => {
  let gw: TestGateway;
  let socket: Client;
  beforeAll(async () => {
    // Calls take 1.2 s with progress every 250 ms; the call timeout (800 ms) only holds because progress resets it.
    gw = await startGateway({ EMBEDDED_LATENCY_MS: '1200', MCP_CALL_TIMEOUT_MS: '800' });
    socket = await gw.connect('progress-user');
  });
  afterAll(() => gw.close());

  function record(requestId: string): Array<{ event: string; stage?: string }> {
    const events: Array<{ event: string; stage?: string }> = [];
    socket.on('prompt-progress', (p: PromptProgress) => p.requestId === requestId && events.push({ event: 'progress', stage: p.stage }));
    socket.on('prompt-response', (r: PromptResponse) => r.requestId === requestId && events.push({ event: 'response' }));
    return events;
  }

  it('send-prompt: planned → tool-started → tool-progress… → response', async () => {
    const events = record('prog-1');
    const response = await socket.timeout(10_000).emitWithAck('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId: 'prog-1' });
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    const stages = events.map((e) => e.stage ?? e.event);
    expect(stages.slice(0, 2)).toEqual(['planned', 'tool-started']);
    expect(stages.filter((s) => s === 'tool-progress').length).toBeGreaterThanOrEqual(3);
    expect(stages.at(-1)).toBe('response');
    expect(stages.indexOf('response')).toBe(stages.length - 1);
  });

  it('call-tool reports tool-progress too', async () => {
    const events = record('prog-2');
    const response = await callTool(socket, 'get_leads', { pageSize: 5 }, 'prog-2');
    expect(response.isSuccess).toBe(true);
    expect(events.filter((e) => e.stage === 'tool-progress').length).toBeGreaterThanOrEqual(3);
  });
});
