// The failover scenario, for every replicated Redis topology (Redis Cluster: a master; Sentinel: the primary):
// two gateway nodes with clients in closed loops on both; responses stored for a client that has not confirmed
// them yet, and replicated; then the Redis node holding that client's keys is SIGKILLed under load and its replica
// takes over. Expected: the nodes stay up, every request gets a result or a coded error within its deadline (none
// twice), requests after the failover succeed on both nodes, the responses stored before the kill are replayed
// exactly once on the client's next connection, and a second connection still kicks the first. Recorded in the
// fault ledger.
import type { SessionReplaced } from '@leadlovers/protocol';
import { expect } from 'vitest';
import type { McpPool, PoolEvent } from '../../src/mcp/pool/index.js';
import { redisKeys } from '../../src/shared/redis-keys.js';
import type { TestCluster } from '../helpers/cluster.js';
import { callTool, connected, nextEvent, type TestGateway } from '../helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';
import { record } from './ledger.js';
import { httpStatus, promptsAndToolCalls, runLoad, watchResponses, type LoadClient } from './load.js';

export interface FailoverScenario {
  /** The ledger's row. */
  scenario: string;
  cluster: TestCluster;
  /** A user id (from `base`) whose key `keyOf(userId)` lives on the Redis node that will be killed. */
  userOnFailingNode(base: string, keyOf: (userId: string) => string): Promise<string>;
  /** SIGKILL the node, then wait until its replica serves in its place. */
  failover(): Promise<void>;
}

const DEADLINE_MS = 15_000;

export async function failoverUnderLoad(s: FailoverScenario): Promise<{ failoverMs: number }> {
  const [a, b] = s.cluster.nodes as [TestGateway, TestGateway];
  const childExits: Array<Extract<PoolEvent, { type: 'child-exit' }>> = [];
  for (const node of s.cluster.nodes) {
    (node.deps.runner as McpPool).onEvent((event) => {
      if (event.type === 'child-exit' && !event.expected) childExits.push(event);
    });
  }

  // Responses Redis acknowledged (stored in the mailbox, on a replica) for a client that has not confirmed them.
  const { prefix } = s.cluster;
  const sloppyUser = await s.userOnFailingNode('fo-sloppy', (user) => redisKeys.mailbox(prefix, user));
  const kickUser = await s.userOnFailingNode('fo-kick', (user) => redisKeys.session(prefix, user));
  const sloppy = await b.connect(sloppyUser);
  const ignored = watchResponses(sloppy, false);
  const stored: string[] = [];
  for (let i = 0; i < 3; i++) {
    const response = await callTool(sloppy, 'get_machines', {}, `${sloppyUser}-before-${i}`, DEADLINE_MS);
    expect(response.isSuccess).toBe(true);
    stored.push(response.requestId);
  }
  ignored.detach();
  sloppy.disconnect();
  expect((await a.deps.mailbox.pending(sloppyUser)).map((r) => r.requestId)).toEqual(stored);
  // No waiting for replication here: the nodes run REDIS_WAIT_REPLICAS=1, so each of these responses was on the
  // replica before its answer went out.

  const clients: LoadClient[] = [];
  for (const [tag, node] of [['a', a], ['b', b]] as const) {
    for (let i = 0; i < 3; i++) clients.push({ name: `${tag}${i}`, socket: await node.connect(`fo-load-${tag}${i}`) });
  }
  const load = runLoad({
    clients,
    next: promptsAndToolCalls,
    maxPerClient: 1_500,
    durationMs: 14_000,
    deadlineMs: DEADLINE_MS,
    pauseMs: 40,
  });
  await sleep(2_500);
  const killedAt = Date.now();
  await s.failover();
  const recoveredAt = Date.now();
  const report = await load.done;

  const healthy = await Promise.all(s.cluster.nodes.map(async (node) => node.gateway.httpServer.listening && (await httpStatus(node.url, '/healthz')) === 200));
  record({
    scenario: s.scenario,
    faults: 1,
    promptsSent: report.sent,
    delivered: report.delivered,
    lost: report.lost + report.uncoded,
    crashed: healthy.filter((ok) => !ok).length + childExits.length,
  });
  expect(healthy).toEqual([true, true]);
  expect(childExits).toEqual([]);
  expect({ missing: report.missing, uncoded: report.uncoded, duplicates: report.duplicates }).toEqual({ missing: 0, uncoded: 0, duplicates: 0 });
  expect(report.outcomes.filter((o) => o.sentAt >= killedAt && o.sentAt < recoveredAt).length, 'requests sent during the failover').toBeGreaterThan(0);
  for (const name of ['a0', 'b0']) {
    const after = report.outcomes.filter((o) => o.client === name && o.sentAt > recoveredAt + 1_000);
    expect(after.length, `requests from ${name} after the failover`).toBeGreaterThan(0);
    expect(after.filter((o) => !o.response?.isSuccess).map((o) => o.response?.code)).toEqual([]);
  }

  // What Redis acknowledged before the kill survived it: replayed once on the next connection (the other node).
  const back = a.client({ auth: { token: await a.token(sloppyUser) } });
  const replayed = watchResponses(back, true);
  await connected(back);
  await eventually(() => stored.every((id) => replayed.seen.get(id) === 1), 200, 50);
  await eventually(async () => (await a.deps.mailbox.pending(sloppyUser)).length === 0, 100, 50);
  expect(replayed.duplicates()).toBe(0);
  back.disconnect();

  // Kicks work afterwards, for a user whose session key lives on the node that failed over, once every node's
  // adapter is subscribed again (a Cluster's sharded subscribers move to the promoted master on a slot refresh,
  // within about 2 s of the failover; a kick published before that misses the nodes not yet moved).
  const subscribed = (node: TestGateway) => node.gateway.io.of('/').adapter.serverCount().catch(() => 0);
  await eventually(async () => (await Promise.all(s.cluster.nodes.map(subscribed))).every((n) => n === 2), 200, 100);
  const first = await a.connect(kickUser);
  await eventually(async () => (await s.cluster.redis.get(redisKeys.session(prefix, kickUser))) === first.id, 100, 50);
  const replaced = nextEvent<SessionReplaced>(first, 'session-replaced');
  const gone = nextEvent<string>(first, 'disconnect');
  const second = await b.connect(kickUser);
  expect((await replaced).reason).toBe('new-connection');
  expect(await gone).toBe('io server disconnect');
  await eventually(async () => (await s.cluster.redis.get(redisKeys.session(prefix, kickUser))) === second.id, 100, 50);
  return { failoverMs: recoveredAt - killedAt };
}
