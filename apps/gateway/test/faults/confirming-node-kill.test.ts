// The two kinds of client across a gateway node SIGKILLed (issue 17.2), real processes on one Redis: a client
// that confirms (auth.resume: true) gets every response it had not confirmed back from the mailbox on the other
// node, exactly once after its receipt; a client that never confirms (it only listens to prompt-response, the
// original product's pattern) gets no replay of what it was given, and a response that finished while it was
// away exactly once.
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { Redis } from 'ioredis';
import type { PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import { connected, nextEvent, untyped, type Client } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';
import { responses } from '../helpers/replays.js';
import { REDIS_URL, startFaultCluster, type FaultCluster } from './cluster-load.js';
import { record } from './ledger.js';

const RUN = randomUUID().slice(0, 8);
const PROMPT = 'Liste todas as máquinas disponíveis';

describe('fault: SIGKILL of a node, clients that confirm and clients that never do', () => {
  let cluster: FaultCluster;
  let redis: Redis;
  const sockets: Client[] = [];
  const prefix = `faults-confirm-${RUN}:`;

  beforeAll(async () => {
    cluster = await startFaultCluster({ nodes: 2, nginx: false, redisKeyPrefix: prefix, env: { EMBEDDED_LATENCY_MS: '300', PROMPT_RATE_PER_MINUTE: '100000' } });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  }, 180_000);
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    redis?.disconnect();
    await cluster?.stop();
  }, 60_000);

  const open = async (node: number, userId: string, resume: boolean) => {
    const { port } = cluster.nodes[node]!;
    const token = await mintToken(cluster.apiSecret, { userId, ttlSeconds: 600 });
    const socket: Client = io(`http://127.0.0.1:${port}`, { autoConnect: false, reconnection: false, forceNew: true, transports: ['websocket'], auth: { token, ...(resume ? { resume: true } : {}) } });
    sockets.push(socket);
    const seen = responses(socket);
    await connected(socket);
    return { socket, seen };
  };
  const mailbox = (userId: string) => redis.zrange(`${prefix}ws:mailbox:{${userId}}`, 0, -1);
  const roundTrip = (socket: Client) => untyped(socket).timeout(10_000).emitWithAck('list-tools');

  it('the confirming client gets its unconfirmed responses once on the surviving node; the listener gets only what it never had', async () => {
    const resumer = `resumer-${RUN}`;
    const listener = `listener-${RUN}`;
    const away = `away-${RUN}`;
    let promptsSent = 0;
    let delivered = 0;

    // On node-1: the confirming client takes two responses (an ack, an event) and confirms neither.
    const r1 = await open(0, resumer, true);
    expect(await untyped(r1.socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'r-1' })).toMatchObject({ isSuccess: true });
    const r2 = nextEvent<PromptResponse>(r1.socket, 'prompt-response', 20_000);
    untyped(r1.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'r-2' });
    await r2;
    // The listener takes two the same way.
    const l1 = await open(0, listener, false);
    const l1Event = nextEvent<PromptResponse>(l1.socket, 'prompt-response', 20_000);
    untyped(l1.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'l-1' });
    await l1Event;
    expect(await untyped(l1.socket).timeout(20_000).emitWithAck('send-prompt', { prompt: PROMPT, requestId: 'l-2' })).toMatchObject({ isSuccess: true });
    // Another listener leaves while its tool call runs: its response finishes with no socket to go to.
    const a1 = await open(0, away, false);
    const started = new Promise<void>((resolve) => a1.socket.on('prompt-progress', (p) => p.stage === 'tool-started' && resolve()));
    untyped(a1.socket).emit('send-prompt', { prompt: PROMPT, requestId: 'a-1', progress: true });
    await started;
    a1.socket.disconnect();
    promptsSent += 5;
    delivered += 4;

    await eventually(async () => (await mailbox(resumer)).length === 2 && (await mailbox(listener)).length === 0 && (await mailbox(away)).length === 1);

    const victim = cluster.nodes[0]!.id;
    const victimProcess = cluster.processes.get(victim)!;
    cluster.expectExit(victim);
    process.kill(-victimProcess.pid, 'SIGKILL');
    expect(await victimProcess.exited).toBe('SIGKILL');

    // On node-2.
    const r3 = await open(1, resumer, true);
    await eventually(() => r3.seen.length >= 2, 200);
    await roundTrip(r3.socket);
    expect(r3.seen.map((s) => s.response.requestId).sort()).toEqual(['r-1', 'r-2']);
    expect(r3.seen.every((s) => s.response.metadata.replayed === true)).toBe(true);
    for (const { receipt } of r3.seen) receipt?.();
    await eventually(async () => (await mailbox(resumer)).length === 0);
    r3.socket.disconnect();
    // Confirmed: an empty mailbox, so the next connection has nothing to replay.
    const r4 = await open(1, resumer, true);
    await roundTrip(r4.socket);
    expect(r4.seen).toEqual([]);

    // The listener's mailbox was empty before the kill: nothing to replay, however often it reconnects.
    const l3 = await open(1, listener, false);
    await roundTrip(l3.socket);
    expect(l3.seen).toEqual([]);

    const a2 = await open(1, away, false);
    await eventually(() => a2.seen.length > 0, 200);
    await eventually(async () => (await mailbox(away)).length === 0);
    await roundTrip(a2.socket);
    expect(a2.seen.map((s) => s.response.requestId)).toEqual(['a-1']);
    delivered += 1;
    a2.socket.disconnect();
    const a3 = await open(1, away, false);
    await roundTrip(a3.socket);
    expect(a3.seen).toEqual([]);

    expect(cluster.crashed()).toEqual([]);
    record({ scenario: 'node SIGKILL: confirming and never-confirming clients', faults: 1, promptsSent, delivered, lost: promptsSent - delivered, crashed: cluster.crashed().length });
  }, 180_000);
});
