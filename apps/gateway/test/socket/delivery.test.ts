// One frame each way: a request with an ack gets its response through that ack only (no prompt-response event).
// The response still waits in the mailbox until the client confirms it — `received` on a later request or an
// ack-response (single or batched) — and a reconnect re-sends what was never confirmed. `received` and
// `progress` are not part of the idempotency fingerprint; malformed ones refuse the request.
import type { AckResult, PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, connected, sendPrompt, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

const PROMPT = 'Mostre todas as máquinas';

describe('response delivery through the ack', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '10000' });
  });
  afterAll(() => gw.close());

  const pendingIds = async (userId: string): Promise<string[]> => (await gw.deps.mailbox.pending(userId)).map((r) => r.requestId);
  const ask = (socket: Client, payload: Record<string, unknown>): Promise<PromptResponse> => socket.timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, ...payload } as never);
  const ackResponse = (socket: Client, payload: unknown): Promise<AckResult<{ removed: boolean | number }>> =>
    socket.timeout(5000).emitWithAck('ack-response', payload as never);

  it('is not emitted as an event, and stays in the mailbox until `received` on the next request', async () => {
    const socket = await gw.connect('deliver-received');
    const events = collect<PromptResponse>(socket, 'prompt-response');
    const first = await sendPrompt(socket, PROMPT, 'dr-1');
    expect(first).toMatchObject({ requestId: 'dr-1', isSuccess: true });
    expect(await pendingIds('deliver-received')).toEqual(['dr-1']);

    const tool = await socket.timeout(20_000).emitWithAck('call-tool', { tool: 'get_machines', arguments: {}, requestId: 'dr-2', received: ['dr-1'] });
    expect(tool.isSuccess).toBe(true);
    expect(await pendingIds('deliver-received')).toEqual(['dr-2']);
    await ask(socket, { requestId: 'dr-3', received: ['dr-2'] });
    expect(await pendingIds('deliver-received')).toEqual(['dr-3']);
    expect(events).toEqual([]);
  });

  it('ack-response confirms one ({ requestId }) or a batch ({ requestIds }), ignoring unknown ids', async () => {
    const socket = await gw.connect('deliver-batch');
    for (const id of ['db-1', 'db-2', 'db-3']) await sendPrompt(socket, PROMPT, id);
    expect(await pendingIds('deliver-batch')).toEqual(['db-1', 'db-2', 'db-3']);
    expect(await ackResponse(socket, { requestIds: ['db-1', 'db-3', 'never-sent'] })).toEqual({ ok: true, data: { removed: 2 } });
    expect(await pendingIds('deliver-batch')).toEqual(['db-2']);
    expect(await ackResponse(socket, { requestId: 'db-2' })).toEqual({ ok: true, data: { removed: true } });
    expect(await pendingIds('deliver-batch')).toEqual([]);
  });

  it('an unconfirmed response is replayed on reconnect (as an event with a receipt), then gone', async () => {
    const first = await gw.connect('deliver-replay');
    const answered = await sendPrompt(first, PROMPT, 'rp-1');
    first.disconnect();

    const second = gw.client({ auth: { token: await gw.token('deliver-replay') } });
    const replays: PromptResponse[] = [];
    second.on('prompt-response', (response, receipt) => {
      replays.push(response);
      receipt?.();
    });
    await connected(second);
    await eventually(() => replays.length > 0);
    expect(replays).toEqual([{ ...answered, metadata: { ...answered.metadata, replayed: true } }]);
    await eventually(async () => (await pendingIds('deliver-replay')).length === 0);
  });

  it('without an ack the response comes as an event whose receipt clears the mailbox', async () => {
    const socket = await gw.connect('deliver-event');
    const events: PromptResponse[] = [];
    socket.on('prompt-response', (response, receipt) => {
      events.push(response);
      receipt?.();
    });
    socket.emit('send-prompt', { prompt: PROMPT, requestId: 'ev-1' });
    await eventually(() => events.length > 0);
    expect(events[0]).toMatchObject({ requestId: 'ev-1', isSuccess: true });
    await eventually(async () => (await pendingIds('deliver-event')).length === 0);
  });

  it('`received` and `progress` are outside the fingerprint: a retry carrying them gets the stored answer', async () => {
    const socket = await gw.connect('deliver-retry');
    const first = await ask(socket, { requestId: 'rt-1' });
    const retried = await ask(socket, { requestId: 'rt-1', received: ['rt-1'], progress: true });
    expect(retried).toMatchObject({ isSuccess: true, requestId: 'rt-1', data: first.data, metadata: { replayed: true } });
    const tool = await socket.timeout(20_000).emitWithAck('call-tool', { tool: 'get_machines', arguments: {}, requestId: 'rt-2' });
    const again = await socket.timeout(20_000).emitWithAck('call-tool', { tool: 'get_machines', arguments: {}, requestId: 'rt-2', progress: false, received: [] });
    expect(again).toMatchObject({ isSuccess: true, data: tool.data, metadata: { replayed: true } });
  });

  it('a malformed `received` refuses the request; a well-formed one is applied even when the rest is invalid', async () => {
    const socket = await gw.connect('deliver-bad');
    await sendPrompt(socket, PROMPT, 'bad-keep');
    await sendPrompt(socket, PROMPT, 'bad-go');
    const tooMany = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    for (const received of [[42], 'bad-keep', ['bad keep'], tooMany, [{}], null]) {
      const refused = await ask(socket, { received });
      expect(refused, JSON.stringify(received)).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
      expect(refused.error).toMatch(/received/);
    }
    const badTool = await socket.timeout(20_000).emitWithAck('call-tool', { tool: 'get_machines', arguments: {}, received: [1] } as never);
    expect(badTool).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    expect(await pendingIds('deliver-bad')).toEqual(['bad-keep', 'bad-go']);
    // Unknown ids are ignored; the confirmation stands even though the prompt itself is refused.
    const emptyPrompt = await socket.timeout(20_000).emitWithAck('send-prompt', { prompt: ' ', received: ['bad-go', 'never-sent'] });
    expect(emptyPrompt).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    await eventually(async () => (await pendingIds('deliver-bad')).join() === 'bad-keep');
    const badProgress = await ask(socket, { progress: 'yes' });
    expect(badProgress).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
  });

  it('ack-response refuses empty, oversized and mixed batches', async () => {
    const socket = await gw.connect('deliver-bad-ack');
    const tooMany = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    for (const payload of [{ requestIds: [] }, { requestIds: tooMany }, { requestId: 'a', requestIds: ['b'] }, { requestIds: [7] }, { requestIds: 'a' }]) {
      expect(await ackResponse(socket, payload), JSON.stringify(payload).slice(0, 60)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    }
  });

  it('`received` only touches the sender\'s own mailbox', async () => {
    const owner = await gw.connect('deliver-owner');
    await sendPrompt(owner, PROMPT, 'own-1');
    const other = await gw.connect('deliver-other');
    await ask(other, { received: ['own-1'] });
    expect(await ackResponse(other, { requestIds: ['own-1'] })).toEqual({ ok: true, data: { removed: 0 } });
    expect(await pendingIds('deliver-owner')).toEqual(['own-1']);
  });
});
