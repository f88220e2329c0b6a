// Several gateway nodes against a real Redis behave as one: cluster-wide single session with cross-node kicks
// (also under races), the exact session key with its TTL, admin kicks, presence and account broadcasts across
// nodes, durable responses delivered on another node, idempotency and rate limits shared by every node.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AckResult, HistoryEntry, PresenceChanged, PresenceUser, PromptResponse, SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { REDIS_URL, startCluster, type TestCluster } from '../helpers/cluster.js';
import { callTool, collect, connected, nextEvent, sendPrompt, type Client } from '../helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';

const run = promisify(execFile);
const KICK_CLI = fileURLToPath(new URL('../../src/cli/kick.ts', import.meta.url));

describe('gateway cluster over Redis', () => {
  let cluster: TestCluster;
  const node = (i: number) => cluster.nodes[i]!;
  const sessionKey = (userId: string) => `${cluster.prefix}ws:user:connection:${userId}`;

  beforeAll(async () => {
    cluster = await startCluster(3, { PROMPT_RATE_PER_MINUTE: '100000', SESSION_TTL_S: '6' });
  });
  afterAll(() => cluster.close());

  it('kicks the old socket on another node; its late disconnect keeps the new key', async () => {
    const first = await node(0).connect('x-kick');
    const replaced = nextEvent<SessionReplaced>(first, 'session-replaced');
    const gone = nextEvent<string>(first, 'disconnect');
    const second = await node(1).connect('x-kick');
    expect((await replaced).reason).toBe('new-connection');
    expect(await gone).toBe('io server disconnect');
    await eventually(async () => (await cluster.redis.get(sessionKey('x-kick'))) === second.id);
    // The replaced socket's disconnect has been processed on node 0 by now; the key still names the new one.
    await sleep(200);
    expect(await cluster.redis.get(sessionKey('x-kick'))).toBe(second.id);
    expect(second.connected).toBe(true);
  });

  it('200 rounds of two simultaneous connects of one user on two nodes: exactly one survivor, and the key names it', async () => {
    for (let round = 0; round < 200; round++) {
      const userId = `race-${round}`;
      const a = node(0).client({ auth: { token: await node(0).token(userId) } });
      const b = node(1).client({ auth: { token: await node(1).token(userId) } });
      await Promise.all([connected(a), connected(b)]);
      const survivor = (await eventually(() => (a.connected !== b.connected ? (a.connected ? a : b) : null), 200, 10)) as Client;
      expect(await cluster.redis.get(sessionKey(userId))).toBe(survivor.id);
      a.disconnect();
      b.disconnect();
    }
  }, 180_000);

  it('sets the session key with its TTL and refreshes it while the socket lives', async () => {
    const socket = await node(2).connect('ttl-user');
    await eventually(async () => (await cluster.redis.get(sessionKey('ttl-user'))) === socket.id);
    const ttl = await cluster.redis.ttl(sessionKey('ttl-user'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(6);
    // Refreshed every third of the TTL (2 s here): after 8 s the key is still there.
    await sleep(8_000);
    expect(await cluster.redis.get(sessionKey('ttl-user'))).toBe(socket.id);
    socket.disconnect();
    await eventually(async () => (await cluster.redis.exists(sessionKey('ttl-user'))) === 0);
  }, 20_000);

  it('pnpm kick disconnects a user cluster-wide with reason admin', async () => {
    const socket = await node(1).connect('admin-kicked');
    await eventually(async () => (await cluster.redis.get(sessionKey('admin-kicked'))) === socket.id);
    const replaced = nextEvent<SessionReplaced>(socket, 'session-replaced', 20_000);
    const gone = nextEvent<string>(socket, 'disconnect', 20_000);
    const { stdout } = await run(process.execPath, ['--import', tsxLoader(), KICK_CLI, 'admin-kicked'], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL, REDIS_KEY_PREFIX: cluster.prefix },
      timeout: 20_000,
    });
    expect(stdout).toMatch(/kick published for user admin-kicked to 3 gateway node/);
    expect((await replaced).reason).toBe('admin');
    expect(await gone).toBe('io server disconnect');
  }, 30_000);

  it('presence: get-presence lists the account’s users on every node; presence-changed reaches every node', async () => {
    const alice = await node(0).connect('p-alice', { account: 'acme', name: 'Alice' });
    const carol = await node(2).connect('p-carol', { account: 'acme', name: 'Carol' });
    await node(1).connect('p-mallory', { account: 'other-co' });

    const seenByAlice = collect<PresenceChanged>(alice, 'presence-changed');
    const seenByCarol = collect<PresenceChanged>(carol, 'presence-changed');
    const bob = await node(1).connect('p-bob', { account: 'acme', name: 'Bob' });
    const bobOnline = { userId: 'p-bob', name: 'Bob', status: 'online' };
    await eventually(() => seenByAlice.some((c) => c.userId === 'p-bob') && seenByCarol.some((c) => c.userId === 'p-bob'));
    expect(seenByAlice.find((c) => c.userId === 'p-bob')).toMatchObject(bobOnline);
    expect(seenByCarol.find((c) => c.userId === 'p-bob')).toMatchObject(bobOnline);
    // Presence is per account: nobody of another account was announced here.
    expect([...seenByAlice, ...seenByCarol].map((c) => c.userId)).not.toContain('p-mallory');

    const presence = (await alice.timeout(5_000).emitWithAck('get-presence')) as { ok: boolean; data: PresenceUser[] };
    expect(presence.ok).toBe(true);
    expect(presence.data.map((u) => u.userId)).toEqual(['p-alice', 'p-bob', 'p-carol']);

    bob.disconnect();
    await eventually(() => seenByAlice.some((c) => c.userId === 'p-bob' && c.status === 'offline'));
  });

  it('a replaced socket leaving does not announce its user offline', async () => {
    const watcher = await node(0).connect('w-watcher', { account: 'watch-co' });
    await node(1).connect('w-user', { account: 'watch-co' });
    const changes: PresenceChanged[] = [];
    watcher.on('presence-changed', (change) => changes.push(change));
    await node(2).connect('w-user', { account: 'watch-co' });
    await eventually(() => changes.some((c) => c.userId === 'w-user' && c.status === 'online'));
    await sleep(300);
    const statuses = changes.filter((c) => c.userId === 'w-user').map((c) => c.status);
    expect(statuses).toContain('online');
    expect(statuses).not.toContain('offline');
  });

  it('an idempotent retry on another node runs the tool once', async () => {
    const args = { email: 'idem.cluster@example.com', machineCode: 12345 };
    const first = await callTool(await node(0).connect('idem-x', { account: 'idem-co' }), 'create_lead', args, 'idem-req-1');
    expect(first.isSuccess).toBe(true);
    const onB = await node(1).connect('idem-x', { account: 'idem-co' });
    const retry = await callTool(onB, 'create_lead', args, 'idem-req-1');
    expect(retry).toMatchObject({ isSuccess: true, data: first.data, metadata: { replayed: true } });
    const leads = await callTool(onB, 'get_leads', { email: 'idem.cluster@example.com' });
    expect((leads.data as { total: number }).total).toBe(1);
  });

  it('history is shared: get-history on another node lists requests made on the first', async () => {
    const a = await node(0).connect('hist-x');
    await sendPrompt(a, 'Mostre todas as máquinas', 'hist-req-1');
    const b = await node(2).connect('hist-x');
    const history = (await b.timeout(5_000).emitWithAck('get-history', { limit: 5 })) as AckResult<HistoryEntry[]>;
    expect(history.ok && history.data.map((entry) => entry.requestId)).toContain('hist-req-1');
  });
});

describe('durable responses and shared limits across nodes', () => {
  let cluster: TestCluster;
  const node = (i: number) => cluster.nodes[i]!;

  beforeAll(async () => {
    // Each tool call takes 1 s, so a client can leave before its answer exists.
    cluster = await startCluster(3, { EMBEDDED_LATENCY_MS: '1000', PROMPT_RATE_PER_MINUTE: '4' });
  });
  afterAll(() => cluster.close());

  it('a response produced while the client is away is delivered on another node, and exactly once after ack', async () => {
    const first = await node(0).connect('away-user');
    first.emit('send-prompt', { prompt: 'Mostre todas as máquinas', requestId: 'away-1' });
    await sleep(100);
    first.disconnect();
    await sleep(1_500);

    const received: PromptResponse[] = [];
    const second = node(1).client({ auth: { token: await node(1).token('away-user') } });
    second.on('prompt-response', (response, ack) => {
      received.push(response);
      ack?.();
    });
    await connected(second);
    await eventually(() => received.length === 1);
    expect(received[0]).toMatchObject({ requestId: 'away-1', isSuccess: true, tool: 'get_machines', metadata: { replayed: true } });
    second.disconnect();

    const third = node(2).client({ auth: { token: await node(2).token('away-user') } });
    const again: PromptResponse[] = [];
    third.on('prompt-response', (response) => again.push(response));
    await connected(third);
    await sleep(500);
    expect(again).toEqual([]);
  }, 20_000);

  it('the per-user rate limit counts requests on every node', async () => {
    const a = await node(0).connect('rate-user');
    const results: PromptResponse[] = [];
    results.push(await callTool(a, 'get_machines', {}), await callTool(a, 'get_machines', {}));
    const b = await node(1).connect('rate-user');
    results.push(await callTool(b, 'get_machines', {}), await callTool(b, 'get_machines', {}));
    const c = await node(2).connect('rate-user');
    const refused = await callTool(c, 'get_machines', {});
    expect(results.every((r) => r.isSuccess)).toBe(true);
    expect(refused).toMatchObject({ isSuccess: false, code: 'RATE_LIMITED' });
    expect((refused.data as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  }, 20_000);
});
