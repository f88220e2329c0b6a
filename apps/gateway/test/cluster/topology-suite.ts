// One suite for every Redis topology a cluster of gateways can stand on (Redis Cluster, Sentinel): two nodes
// serve prompts, replay a mailbox across nodes, share idempotency keys, kick across nodes and through `pnpm kick`,
// answer get-presence for the whole cluster, and take pushes from the notify library and from a webhook posted to
// the other node. The topology's own file starts the Redis servers and adds what is particular to it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LeadCreated, PresenceChanged, PresenceUser, PromptResponse, SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { connectNotifier, type NotifierOptions } from '../../src/notify/index.js';
import { accountWebhookSecret } from '../../src/webhooks/leadlovers.js';
import { watchResponses } from '../faults/load.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { callTool, collect, connected, nextEvent, sendPrompt, type TestGateway } from '../helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';

const run = promisify(execFile);
const KICK_CLI = fileURLToPath(new URL('../../src/cli/kick.ts', import.meta.url));
const WEBHOOK_SECRET = 'webhook-master-secret-0123456789-abcdefghij';

export interface Topology {
  /** The gateways' Redis settings (REDIS_CLUSTER_NODES=…, or REDIS_SENTINELS=… and REDIS_SENTINEL_NAME=…). */
  env: Record<string, string>;
  /** The same, for connectNotifier. */
  notifier: Omit<NotifierOptions, 'keyPrefix'>;
  /** The words the start-up log's cluster line uses for it. */
  describes: RegExp;
}

/** Registers the shared tests in the caller's describe(); `topology()` is read after the caller's beforeAll. */
export function topologySuite(topology: () => Topology): { cluster: () => TestCluster } {
  let cluster: TestCluster;
  const node = (i: number) => cluster.nodes[i] as TestGateway;
  const sessionKey = (userId: string) => `${cluster.prefix}ws:user:connection:${userId}`;

  beforeAll(async () => {
    cluster = await startCluster(2, { ...topology().env, WEBHOOK_SECRET, PROMPT_RATE_PER_MINUTE: '100000' });
  });
  afterAll(() => cluster?.close());

  it('two nodes serve prompts, and the start-up log names the topology', async () => {
    for (const i of [0, 1]) {
      const socket = await node(i).connect(`serve-${i}`);
      expect(await sendPrompt(socket, 'Mostre todas as máquinas')).toMatchObject({ isSuccess: true, tool: 'get_machines' });
      expect(node(i).deps.defaults.find((line) => line.startsWith('cluster:'))).toMatch(topology().describes);
    }
  });

  it('a second connection on the other node kicks the first, and the session key names the new socket', async () => {
    const first = await node(0).connect('t-kick');
    const replaced = nextEvent<SessionReplaced>(first, 'session-replaced');
    const gone = nextEvent<string>(first, 'disconnect');
    const second = await node(1).connect('t-kick');
    expect((await replaced).reason).toBe('new-connection');
    expect(await gone).toBe('io server disconnect');
    await eventually(async () => (await cluster.redis.get(sessionKey('t-kick'))) === second.id);
    expect(second.connected).toBe(true);
  });

  it('unconfirmed responses are replayed once on the other node, and not again once confirmed', async () => {
    const sloppy = await node(0).connect('t-mailbox');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await callTool(sloppy, 'get_machines', {}, `t-mailbox-${i}`)).requestId);
    sloppy.disconnect();

    const back = node(1).client({ auth: { token: await node(1).token('t-mailbox') } });
    const replayed = watchResponses(back, true);
    const flags: boolean[] = [];
    back.on('prompt-response', (response: PromptResponse) => flags.push(response.metadata.replayed === true));
    await connected(back);
    await eventually(() => ids.every((id) => replayed.seen.get(id) === 1));
    await eventually(async () => (await node(1).deps.mailbox.pending('t-mailbox')).length === 0);
    expect(flags).toEqual([true, true, true]);
    back.disconnect();

    const again = node(0).client({ auth: { token: await node(0).token('t-mailbox') } });
    const second = watchResponses(again, true);
    await connected(again);
    await sleep(500);
    expect(second.seen.size).toBe(0);
  });

  it('an idempotent retry on the other node is answered from the first attempt', async () => {
    const args = { email: `idem.${Date.now()}@example.com`, machineCode: 12345 };
    const first = await callTool(await node(0).connect('t-idem', { account: 't-idem-co' }), 'create_lead', args, 't-idem-1');
    expect(first.isSuccess).toBe(true);
    const onB = await node(1).connect('t-idem', { account: 't-idem-co' });
    expect(await callTool(onB, 'create_lead', args, 't-idem-1')).toMatchObject({ isSuccess: true, data: first.data, metadata: { replayed: true } });
    expect(((await callTool(onB, 'get_leads', { email: args.email })).data as { total: number }).total).toBe(1);
  });

  it('pnpm kick disconnects a user on any node with reason admin', async () => {
    const socket = await node(1).connect('t-admin');
    const id = socket.id as string;
    await eventually(async () => (await cluster.redis.get(sessionKey('t-admin'))) === id);
    const replaced = nextEvent<SessionReplaced>(socket, 'session-replaced', 20_000);
    const gone = nextEvent<string>(socket, 'disconnect', 20_000);
    const { stdout } = await run(process.execPath, ['--import', tsxLoader(), KICK_CLI, 't-admin'], {
      env: { PATH: process.env.PATH ?? '', ...topology().env, REDIS_KEY_PREFIX: cluster.prefix },
      timeout: 20_000,
    });
    expect(stdout).toMatch(new RegExp(`kick published for user t-admin to 2 gateway node\\(s\\); live socket was ${id}`));
    expect((await replaced).reason).toBe('admin');
    expect(await gone).toBe('io server disconnect');
  }, 30_000);

  it('get-presence lists the account on both nodes; presence-changed reaches both', async () => {
    const alice = await node(0).connect('t-alice', { account: 't-acme', name: 'Alice' });
    const seen = collect<PresenceChanged>(alice, 'presence-changed');
    await node(1).connect('t-bob', { account: 't-acme', name: 'Bob' });
    await eventually(() => seen.some((c) => c.userId === 't-bob' && c.status === 'online'));
    const presence = (await alice.timeout(5_000).emitWithAck('get-presence')) as { ok: boolean; data: PresenceUser[] };
    expect(presence).toMatchObject({ ok: true });
    expect(presence.data.map((u) => u.userId)).toEqual(['t-alice', 't-bob']);
  });

  it('the notify library and a webhook posted to one node reach the account on both nodes', async () => {
    const onA = await node(0).connect('t-push-a', { account: 't-push' });
    const onB = await node(1).connect('t-push-b', { account: 't-push' });
    const [seenA, seenB] = [collect<LeadCreated>(onA, 'lead-created'), collect<LeadCreated>(onB, 'lead-created')];

    const notifier = await connectNotifier({ ...topology().notifier, keyPrefix: cluster.prefix });
    try {
      const event: LeadCreated = { account: 't-push', lead: { id: 'n-1', email: 'n1@example.com', dynamicFields: [] }, receivedAt: new Date().toISOString() };
      await notifier.notify({ account: 't-push' }, 'lead-created', event);
    } finally {
      await notifier.close();
    }
    await eventually(() => seenA.length === 1 && seenB.length === 1);

    const hook = `${node(0).url}/webhooks/leadlovers/t-push/${accountWebhookSecret(WEBHOOK_SECRET, 't-push')}`;
    const body = { Id: 9001, Email: 'lead9001@example.com', CreatedDate: '2026-11-30T10:00:00' };
    const answer = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(answer.status).toBe(200);
    await eventually(() => seenB.length === 2 && seenA.length === 2);
    expect(seenB[1]).toMatchObject({ account: 't-push', lead: { id: '9001', email: 'lead9001@example.com' } });
  });

  return { cluster: () => cluster };
}
