// prompt-progress: planned, tool-started, then tool-progress from the MCP server's progress notifications,
// all before the prompt-response, for send-prompt and for call-tool — only for requests sent with progress: true,
// and only to the asking socket. MCP progress keeps a slow call alive past its timeout (the resetTimeoutOnProgress
// rule) whether or not the client asked for progress events.
import type { PromptProgress, PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userRoom } from '../../src/shared/socket.js';
import { startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

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
    const response = await socket.timeout(10_000).emitWithAck('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId: 'prog-1', progress: true });
    events.push({ event: 'response' }); // the ack is the response
    await socket.timeout(5000).emitWithAck('list-tools'); // a round trip: any progress sent after the ack is here now
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    const stages = events.map((e) => e.stage ?? e.event);
    expect(stages.slice(0, 2)).toEqual(['planned', 'tool-started']);
    expect(stages.filter((s) => s === 'tool-progress').length).toBeGreaterThanOrEqual(3);
    expect(stages.at(-1)).toBe('response');
    expect(stages.indexOf('response')).toBe(stages.length - 1);
  });

  it('call-tool reports tool-progress too', async () => {
    const events = record('prog-2');
    const response = await socket.timeout(10_000).emitWithAck('call-tool', { tool: 'get_leads', arguments: { pageSize: 5 }, requestId: 'prog-2', progress: true });
    expect(response.isSuccess).toBe(true);
    expect(events.filter((e) => e.stage === 'tool-progress').length).toBeGreaterThanOrEqual(3);
  });

  it('without progress: true no prompt-progress is sent, and the slow call is still kept alive', async () => {
    const events = [...record('prog-3'), ...record('prog-3b')];
    const all: PromptProgress[] = [];
    socket.on('prompt-progress', (p: PromptProgress) => all.push(p));
    const tool = await socket.timeout(10_000).emitWithAck('call-tool', { tool: 'get_leads', arguments: { pageSize: 5 }, requestId: 'prog-3' });
    expect(tool.isSuccess).toBe(true); // 1.2 s against an 800 ms timeout: MCP progress still reset it
    const prompt = await socket.timeout(10_000).emitWithAck('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId: 'prog-3b', progress: false });
    expect(prompt.isSuccess).toBe(true);
    expect(events).toEqual([]);
    expect(all).toEqual([]);
    socket.off('prompt-progress');
  });

  it('progress goes to the asking socket only, not to the rest of the user room', async () => {
    // A watcher (another user) put in progress-user's room: a room broadcast would reach it, a socket emit does not.
    const watcher = await gw.connect('progress-watcher');
    gw.gateway.io.of('/').sockets.get(watcher.id ?? '')?.join(userRoom('progress-user'));
    const watched: unknown[] = [];
    watcher.on('prompt-progress', (p) => watched.push(p));
    const events = record('prog-4');
    const response = await socket.timeout(10_000).emitWithAck('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId: 'prog-4', progress: true });
    expect(response.isSuccess).toBe(true);
    expect(events.map((e) => e.stage).slice(0, 2)).toEqual(['planned', 'tool-started']);
    // The join worked (a room broadcast reaches the watcher), and nothing of prog-4 came before that marker.
    gw.gateway.io.to(userRoom('progress-user')).emit('prompt-progress', { requestId: 'marker', stage: 'planned' });
    await eventually(() => watched.length > 0);
    expect(watched).toEqual([{ requestId: 'marker', stage: 'planned' }]);
    watcher.disconnect();
  });
});
