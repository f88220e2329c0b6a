// Clients that take part in confirmations and clients that never do (issue 17.2). A client that only listens to
// prompt-response (no ack, no receipt, no `received`: the original product's pattern) gets each response once and
// no replays on reconnect, except a response that never reached it (finished while it was away), once. A client
// that declares `auth.resume: true` (the SDK, the console) or has confirmed before keeps exactly-once delivery:
// what it has not confirmed comes back on every reconnect until it does.
import type { PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connected, nextEvent, startGateway, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';
import { afterReplay, responses } from '../helpers/replays.js';

const PROMPT = 'Liste todas as máquinas disponíveis';

describe('mailbox replays by client kind (one node)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '10000', EMBEDDED_LATENCY_MS: '300' });
  });
  afterAll(() => gw.close());

  const pendingIds = async (userId: string): Promise<string[]> => (await gw.deps.mailbox.pending(userId)).map((r) => r.requestId);
  const reconnect = async (userId: string, resume: boolean): Promise<{ socket: Client; seen: ReturnType<typeof responses> }> => {
    const socket = gw.client({ auth: { token: await gw.token(userId), ...(resume ? { resume: true } : {}) } });
    const seen = responses(socket);
    await connected(socket);
    await afterReplay(gw, socket);
    return { socket, seen };
  };

  it('a listener that never confirms gets each response once: no replay on reconnect, in this tab or a new one', async () => {
    const user = 'listener';
    const { socket, seen } = await reconnect(user, false);
    const answered = nextEvent<PromptResponse>(socket, 'prompt-response', 20_000);
    untyped(socket).emit('send-prompt', { prompt: PROMPT, requestId: 'ls-1' });
    expect(await answered).toMatchObject({ requestId: 'ls-1', isSuccess: true });
    // An ack-delivered response is its delivery too, even never confirmed.
    expect(await untyped(socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'ls-2' })).toMatchObject({ requestId: 'ls-2' });
    expect(seen.map((s) => s.response.requestId)).toEqual(['ls-1']);
    await eventually(async () => (await pendingIds(user)).length === 0);
    socket.disconnect();

    for (let round = 0; round < 3; round++) {
      const again = await reconnect(user, false);
      expect(again.seen, `reconnect ${round}`).toEqual([]);
      again.socket.disconnect();
    }
  });

  it('a listener gets a response that finished while it was away once, on the next connect, and never again', async () => {
    const user = 'away-listener';
    const first = await reconnect(user, false);
    const started = new Promise<void>((resolve) => first.socket.on('prompt-progress', (p) => p.stage === 'tool-started' && resolve()));
    untyped(first.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'al-1', progress: true });
    // Gone while the (300 ms) tool call runs: the response has no socket to go to and waits in the mailbox.
    await started;
    first.socket.disconnect();
    await eventually(async () => (await pendingIds(user)).includes('al-1'));

    const second = await reconnect(user, false);
    // The replay, or the completion finding the new socket: whichever takes it out of the mailbox first sends it.
    await eventually(() => second.seen.length > 0);
    await untyped(second.socket).timeout(10_000).emitWithAck('list-tools');
    expect(second.seen.map((s) => s.response.requestId)).toEqual(['al-1']);
    expect(await pendingIds(user)).toEqual([]);
    second.socket.disconnect();
    const third = await reconnect(user, false);
    expect(third.seen).toEqual([]);
  });

  it('a client with auth.resume: true gets what it has not confirmed on every reconnect, until it confirms', async () => {
    const user = 'resumer';
    const first = await reconnect(user, true);
    expect(await untyped(first.socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'rs-1' })).toMatchObject({ requestId: 'rs-1' });
    first.socket.disconnect();
    const second = await reconnect(user, true);
    expect(second.seen.map((s) => s.response.requestId)).toEqual(['rs-1']);
    second.socket.disconnect();
    const third = await reconnect(user, true);
    expect(third.seen.map((s) => s.response.requestId)).toEqual(['rs-1']);
    // Confirmed by calling the replay's receipt: gone from the mailbox, not sent again.
    third.seen[0]?.receipt?.();
    await eventually(async () => (await pendingIds(user)).length === 0);
    third.socket.disconnect();
    expect((await reconnect(user, true)).seen).toEqual([]);
  });

  it('a client without the capability that confirms once is a confirming client from then on, in every new connection', async () => {
    const user = 'late-confirmer';
    const first = await reconnect(user, false);
    const answered = nextEvent<PromptResponse>(first.socket, 'prompt-response', 20_000);
    untyped(first.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'lc-1' });
    await answered;
    // Its first confirmation: the receipt of a prompt-response event.
    first.seen[0]?.receipt?.();
    await eventually(() => gw.deps.confirmingUsers?.has(user));
    // Delivered by ack, never confirmed: kept for the reconnect.
    await untyped(first.socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'lc-2' });
    expect(await pendingIds(user)).toEqual(['lc-2']);
    first.socket.disconnect();
    const second = await reconnect(user, false);
    expect(second.seen.map((s) => s.response.requestId)).toEqual(['lc-2']);
  });

  it('`received` and ack-response count as confirmations too', async () => {
    for (const [user, confirm] of [
      ['via-received', (s: Client) => untyped(s).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'vr-2', received: ['vr-1'] })],
      ['via-ack-response', (s: Client) => untyped(s).timeout(5_000).emitWithAck('ack-response', { requestId: 'vr-1' })],
    ] as const) {
      const { socket } = await reconnect(user, false);
      await untyped(socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'vr-1' });
      expect(await gw.deps.confirmingUsers?.has(user), user).toBe(false);
      await confirm(socket);
      expect(await gw.deps.confirmingUsers?.has(user), user).toBe(true);
      socket.disconnect();
    }
  });
});
