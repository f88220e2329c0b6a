// Confirming and never-confirming clients across two nodes sharing Redis (issue 17.2): whether a user has
// confirmed before is known on every node, a listener's response reaches it once whichever node it comes back
// to, and nothing it was given comes back on the other node.
import type { PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connected, nextEvent, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';
import { afterReplay, responses } from '../helpers/replays.js';

const PROMPT = 'Liste todas as máquinas disponíveis';

describe('mailbox replays by client kind, cluster-wide', () => {
  let cluster: TestCluster;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    cluster = await startCluster(2, { PROMPT_RATE_PER_MINUTE: '10000', EMBEDDED_LATENCY_MS: '300' });
    [a, b] = cluster.nodes as [TestGateway, TestGateway];
  });
  afterAll(() => cluster.close());

  const pendingIds = async (userId: string): Promise<string[]> => (await a.deps.mailbox.pending(userId)).map((r) => r.requestId);
  const open = async (gw: TestGateway, userId: string, resume = false): Promise<{ socket: Client; seen: ReturnType<typeof responses> }> => {
    const socket = gw.client({ auth: { token: await gw.token(userId), ...(resume ? { resume: true } : {}) } });
    const seen = responses(socket);
    await connected(socket);
    await afterReplay(gw, socket);
    return { socket, seen };
  };

  it('a user who confirmed on one node gets replays on the other, without the handshake capability', async () => {
    const user = 'confirmed-on-a';
    const first = await open(a, user);
    const answered = nextEvent<PromptResponse>(first.socket, 'prompt-response', 20_000);
    untyped(first.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'ca-1' });
    await answered;
    first.seen[0]?.receipt?.();
    await eventually(async () => (await cluster.redis.exists(`${cluster.prefix}ws:confirms:{${user}}`)) === 1);
    await untyped(first.socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'ca-2' });
    first.socket.disconnect();
    const second = await open(b, user);
    expect(second.seen.map((s) => s.response.requestId)).toEqual(['ca-2']);
  });

  it('a listener that never confirms gets nothing again on the other node', async () => {
    const user = 'listener-ab';
    const first = await open(a, user);
    const answered = nextEvent<PromptResponse>(first.socket, 'prompt-response', 20_000);
    untyped(first.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'lab-1' });
    await answered;
    await untyped(first.socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'lab-2' });
    await eventually(async () => (await pendingIds(user)).length === 0);
    first.socket.disconnect();
    expect((await open(b, user)).seen).toEqual([]);
    expect(await cluster.redis.exists(`${cluster.prefix}ws:confirms:{${user}}`)).toBe(0);
  });

  it('a listener that left mid-request and came back on the other node gets that response exactly once', async () => {
    const user = 'mover';
    const first = await open(a, user);
    const started = new Promise<void>((resolve) => first.socket.on('prompt-progress', (p) => p.stage === 'tool-started' && resolve()));
    untyped(first.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'mv-1', progress: true });
    await started;
    first.socket.disconnect();
    // Back at once, on the other node, while the tool call still runs: the completion finds this socket (or, if
    // it finished first, the replay does); only one of them takes the response out of the mailbox and sends it.
    const second = await open(b, user);
    await eventually(() => second.seen.length > 0, 200);
    await eventually(async () => (await pendingIds(user)).length === 0);
    await untyped(second.socket).timeout(10_000).emitWithAck('list-tools');
    expect(second.seen.map((s) => s.response.requestId)).toEqual(['mv-1']);
    second.socket.disconnect();
    expect((await open(a, user)).seen).toEqual([]);
  });
});
