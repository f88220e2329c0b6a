// Fault: Redis killed (SIGKILL) for several seconds under load, then restarted empty on the same port (our own
// redis-server, no persistence). Two gateway nodes with clients in closed loops on both: the nodes stay up, every
// request sent gets a result or a coded error within its deadline, prompts succeed on both nodes after recovery,
// every connected user is registered again for their own socket (also one that connected during the outage), a
// second connection on the other node still kicks the first, and the mailbox keeps its promise: acknowledged
// responses are gone, unacknowledged ones are re-sent exactly once on reconnect.
import type { ChildProcess } from 'node:child_process';
import type { SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../../../deploy/local-cluster/processes.js';
import type { McpPool, PoolEvent } from '../../src/mcp/pool/index.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { callTool, connected, nextEvent, sendPrompt, type Client, type TestGateway } from '../helpers/gateway.js';
import { record } from './ledger.js';
import { httpStatus, promptsAndToolCalls, runLoad, summarize, watchResponses, type LoadClient, type Outcome } from './load.js';
import { killRedisServer, startRedisServer } from '../helpers/redis-server.js';
import { eventually, sleep } from '@leadlovers/testing';

const OUTAGE_MS = 4_000;
const DEADLINE_MS = 10_000;

/** The `redis` state in a node's /readyz body (which answers 200 either way). */
async function redisInReadyz(url: string): Promise<boolean | undefined> {
  return ((await (await fetch(`${url}/readyz`)).json()) as { redis?: boolean }).redis;
}

describe('fault: Redis outage under load', () => {
  let port: number;
  let redis: ChildProcess;
  let cluster: TestCluster;
  const childExits: Array<Extract<PoolEvent, { type: 'child-exit' }>> = [];

  beforeAll(async () => {
    port = (await freePorts(1))[0] as number;
    redis = await startRedisServer(port);
    cluster = await startCluster(2, {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      PROMPT_RATE_PER_MINUTE: '100000',
      EVENTS_PER_10S: '100000',
    });
    for (const node of cluster.nodes) {
      (node.deps.runner as McpPool).onEvent((event) => {
        if (event.type === 'child-exit') childExits.push(event);
      });
    }
  });
  afterAll(async () => {
    await cluster?.close();
    if (redis) await killRedisServer(redis);
  });

  it('nodes stay up, nothing is lost, sessions and mailboxes are consistent after Redis comes back', async () => {
    const [a, b] = cluster.nodes as [TestGateway, TestGateway];
    const nodeOf = new Map<string, TestGateway>();
    const clients: LoadClient[] = [];
    for (const [tag, node] of [['a', a], ['b', b]] as const) {
      for (let i = 0; i < 3; i++) {
        const name = `${tag}${i}`;
        clients.push({ name, socket: await node.connect(`outage-${name}`) });
        nodeOf.set(name, node);
      }
    }
    // Every user is registered for their socket before the outage.
    for (const client of clients) expect(await cluster.redis.get(`${cluster.prefix}ws:user:connection:outage-${client.name}`)).toBe(client.socket.id);

    const run = runLoad({
      clients,
      next: promptsAndToolCalls,
      maxPerClient: 2_000,
      durationMs: 15_000,
      deadlineMs: DEADLINE_MS,
      pauseMs: 40,
    });

    await sleep(3_000);
    const killedAt = Date.now();
    await killRedisServer(redis);
    // Both nodes notice, and stay ready (Redis is in /readyz's body, not its status).
    await eventually(async () => (await redisInReadyz(a.url)) === false && (await redisInReadyz(b.url)) === false, 100, 100);
    expect([await httpStatus(a.url, '/readyz'), await httpStatus(b.url, '/readyz')]).toEqual([200, 200]);
    // A user who connects while Redis is down is served locally; their session is claimed when Redis returns.
    const lateUser = await a.connect('outage-late');
    const lateDuring = await sendPrompt(lateUser, 'Liste todas as máquinas disponíveis', undefined, DEADLINE_MS);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - killedAt)));
    const restartedAt = Date.now();
    redis = await startRedisServer(port);
    await eventually(async () => (await redisInReadyz(a.url)) === true && (await redisInReadyz(b.url)) === true, 200, 100);
    const recoveredAt = Date.now();
    const load = await run.done;

    // After recovery, one more prompt per node, outside the load; stored in the mailbox again, then confirmed.
    const after = await Promise.all(
      clients
        .filter((c) => c.name.endsWith('0'))
        .map(async (c) => {
          const response = await sendPrompt(c.socket, 'Liste todas as máquinas disponíveis', `after-${c.name}`, DEADLINE_MS);
          expect(await c.socket.timeout(5_000).emitWithAck('ack-response', { requestIds: [response.requestId] })).toEqual({ ok: true, data: { removed: 1 } });
          return response;
        }),
    );

    const healthy = await Promise.all(cluster.nodes.map(async (node) => node.gateway.httpServer.listening && (await httpStatus(node.url, '/healthz')) === 200));
    const unexpectedExits = childExits.filter((event) => !event.expected).length;
    const extra: Outcome[] = [
      { client: 'late', label: 'during', requestId: lateDuring.requestId, sentAt: killedAt, answeredAt: Date.now(), response: lateDuring },
      ...after.map((response) => ({ client: 'after', label: 'after', requestId: response.requestId, sentAt: recoveredAt, answeredAt: Date.now(), response })),
    ];
    const totals = summarize([...load.outcomes, ...extra], load.duplicates);
    const during = load.outcomes.filter((o) => o.sentAt >= killedAt && o.sentAt < restartedAt);
    record({
      scenario: 'redis outage under load (2 nodes, SIGKILL ~4 s, restart)',
      faults: 1,
      promptsSent: totals.sent,
      delivered: totals.delivered,
      lost: totals.lost + totals.uncoded,
      crashed: healthy.filter((ok) => !ok).length + unexpectedExits,
    });

    expect(healthy).toEqual([true, true]);
    expect(unexpectedExits).toBe(0);
    expect({ missing: totals.missing, uncoded: totals.uncoded, duplicates: totals.duplicates }).toEqual({ missing: 0, uncoded: 0, duplicates: 0 });
    expect(during.length).toBeGreaterThan(0);
    // Served during the outage: the nodes degrade (no idempotency, local rate counting), they do not refuse.
    expect(lateDuring).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    for (const name of ['a0', 'b0']) {
      const recovered = load.outcomes.filter((o) => o.client === name && o.sentAt > recoveredAt);
      expect(recovered.length, `requests from ${name} after recovery`).toBeGreaterThan(0);
      expect(recovered.every((o) => o.response?.isSuccess)).toBe(true);
    }
    for (const response of after) expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });

    // Sessions: every connected user is registered again, for their own socket, on the node that holds it.
    const sessionKey = (user: string) => `${cluster.prefix}ws:user:connection:${user}`;
    const users: Array<[string, Client, TestGateway]> = [...clients.map((c): [string, Client, TestGateway] => [`outage-${c.name}`, c.socket, nodeOf.get(c.name) as TestGateway]), ['outage-late', lateUser, a]];
    for (const [user, socket, node] of users) {
      expect(socket.connected).toBe(true);
      await eventually(async () => (await cluster.redis.get(sessionKey(user))) === socket.id, 100, 50);
      expect(node.gateway.io.sockets.sockets.has(socket.id as string)).toBe(true);
    }

    // Single session still holds: the same user connecting on the other node kicks the socket that lived through the outage.
    for (const [user, socket] of [users[0], users[users.length - 1]] as Array<[string, Client, TestGateway]>) {
      const replaced = nextEvent<SessionReplaced>(socket, 'session-replaced');
      const disconnected = nextEvent<string>(socket, 'disconnect');
      const successor = await b.connect(user);
      expect((await replaced).reason).toBe('new-connection');
      await disconnected;
      await eventually(async () => (await cluster.redis.get(sessionKey(user))) === successor.id, 100, 50);
    }

    // Mailbox: the load clients acknowledged every response, so nothing of theirs is left.
    for (const c of clients) await eventually(async () => (await a.deps.mailbox.pending(`outage-${c.name}`)).length === 0, 100, 50);

    // A client that never confirms: its responses (delivered as acks, no event) stay, and are re-sent once on its
    // next connection (any node).
    const sloppy = await b.connect('outage-sloppy');
    const sloppyIds: string[] = [];
    const ignored = watchResponses(sloppy, false);
    for (let i = 0; i < 3; i++) {
      const response = await callTool(sloppy, 'get_machines', {}, `sloppy-${i}`, DEADLINE_MS);
      expect(response.isSuccess).toBe(true);
      sloppyIds.push(response.requestId);
    }
    expect(ignored.seen.size).toBe(0);
    ignored.detach();
    expect((await a.deps.mailbox.pending('outage-sloppy')).map((r) => r.requestId)).toEqual(sloppyIds);
    sloppy.disconnect();

    const back = a.client({ auth: { token: await a.token('outage-sloppy') } });
    const replayed = watchResponses(back, true);
    const replayedPayloads: boolean[] = [];
    back.on('prompt-response', (response) => replayedPayloads.push(response.metadata.replayed === true));
    await connected(back);
    await eventually(() => sloppyIds.every((id) => replayed.seen.get(id) === 1), 100, 50);
    await eventually(async () => (await a.deps.mailbox.pending('outage-sloppy')).length === 0, 100, 50);
    back.disconnect();

    const again = b.client({ auth: { token: await b.token('outage-sloppy') } });
    const secondTime = watchResponses(again, true);
    await connected(again);
    await sleep(500);
    expect(secondTime.seen.size).toBe(0);
    expect([...replayed.seen.values()]).toEqual([1, 1, 1]);
    expect(replayedPayloads).toEqual([true, true, true]);
    expect(replayed.duplicates() + secondTime.duplicates()).toBe(0);
  }, 90_000);
});
