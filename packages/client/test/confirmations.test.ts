// The SDK's side of one-frame delivery, against a real gateway: it asks for prompt-progress only when onProgress
// is given, confirms ack-delivered responses on its next request (`received`) or after an idle delay (one batched
// ack-response) or on close(), and a mailbox replay of a response it already has is receipted but not handed to
// the app's prompt-response listeners again.
import type { PromptProgress, PromptResponse } from '@leadlovers/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../apps/gateway/test/helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';
import { createGatewayClient, type GatewayClient, type GatewayClientOptions } from '../src/index.js';

const PROMPT = 'Mostre todas as máquinas';

describe('SDK confirmations and progress', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '10000' });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => gw.close());

  const make = async (userId: string, options: Partial<GatewayClientOptions> = {}): Promise<GatewayClient> => {
    const client = createGatewayClient({ url: gw.url, token: await gw.token(userId), transports: ['websocket'], backoff: { minDelayMs: 50, maxDelayMs: 200 }, ...options });
    clients.push(client);
    await client.connect();
    return client;
  };
  const pendingIds = async (userId: string): Promise<string[]> => (await gw.deps.mailbox.pending(userId)).map((r) => r.requestId);
  const answeredLogs = (userId: string) => gw.logs.filter((line) => line.userId === userId && line.msg === 'prompt answered');

  it('asks for prompt-progress only when onProgress is given', async () => {
    const client = await make('sdk-progress', { confirmDelayMs: 60_000 });
    const heard: PromptProgress[] = [];
    client.on('prompt-progress', (p) => heard.push(p));
    await client.sendPrompt(PROMPT, { requestId: 'sp-quiet' });
    const mine: PromptProgress[] = [];
    await client.sendPrompt(PROMPT, { requestId: 'sp-loud', onProgress: (p) => mine.push(p) });
    expect(mine.map((p) => p.stage)).toEqual(['planned', 'tool-started']);
    expect(heard.map((p) => p.requestId)).toEqual(['sp-loud', 'sp-loud']);
  });

  it('confirms on the next request, then after the idle delay with one batched ack-response', async () => {
    const client = await make('sdk-confirm', { confirmDelayMs: 400 });
    await client.sendPrompt(PROMPT, { requestId: 'sc-1' });
    await client.callTool('get_machines', {}, { requestId: 'sc-2' });
    // sc-2 carried received: [sc-1]; the gateway had dropped sc-1 before it answered sc-2.
    expect(await pendingIds('sdk-confirm')).toEqual(['sc-2']);
    await Promise.all(['sc-3', 'sc-4'].map((requestId) => client.sendPrompt(PROMPT, { requestId })));
    await eventually(async () => (await pendingIds('sdk-confirm')).length === 0);
    expect(gw.logs.some((line) => line.userId === 'sdk-confirm' && line.msg === 'unknown event')).toBe(false);
  });

  it('close() sends what is still unconfirmed', async () => {
    const client = await make('sdk-close', { confirmDelayMs: 60_000 });
    await client.sendPrompt(PROMPT, { requestId: 'cl-1' });
    expect(await pendingIds('sdk-close')).toEqual(['cl-1']);
    client.close();
    await eventually(async () => (await pendingIds('sdk-close')).length === 0);
  });

  it('a replay of a response already answered through an ack is receipted, not handed to listeners again', async () => {
    const client = await make('sdk-dedupe', { confirmDelayMs: 60_000 });
    const heard: PromptResponse[] = [];
    client.on('prompt-response', (response) => heard.push(response));
    const answered = await client.sendPrompt(PROMPT, { requestId: 'dd-1' });
    expect(answered.requestId).toBe('dd-1');
    const first = client.socketId;
    gw.gateway.io.of('/').sockets.get(first ?? '')?.conn.close(); // the network drops before any confirmation
    await eventually(() => client.state === 'connected' && client.socketId !== first);
    // The gateway replays dd-1 on the new connection; the SDK receipts it (or flushes it), and the mailbox empties.
    await eventually(async () => (await pendingIds('sdk-dedupe')).length === 0);
    expect(gw.logs.some((line) => line.msg === 'undelivered responses re-sent' && line.userId === 'sdk-dedupe')).toBe(true);
    await sleep(100);
    expect(heard).toEqual([]);
    expect(answeredLogs('sdk-dedupe')).toHaveLength(1);
  });

  it('a response this client never answered still reaches listeners (a request sent without the SDK)', async () => {
    const client = await make('sdk-stray', { confirmDelayMs: 60_000 });
    const heard: PromptResponse[] = [];
    client.on('prompt-response', (response) => heard.push(response));
    const raw = gw.gateway.io.of('/').sockets.get(client.socketId ?? '');
    expect(raw).toBeDefined();
    // As if another tab's request of this user were answered through the user's room.
    gw.gateway.io.to(`user:sdk-stray`).emit('prompt-response', { requestId: 'stray-1', isSuccess: true, metadata: { executionTime: 1 } });
    await eventually(() => heard.length === 1);
    expect(heard[0]?.requestId).toBe('stray-1');
  });
});
