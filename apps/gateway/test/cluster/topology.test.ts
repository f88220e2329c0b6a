// The cluster topology with real processes: nginx (the repository's nginx.conf: TLS, hash $remote_addr
// consistent, WebSocket upgrade) in front of three gateway nodes sharing Redis. Clients connect over wss:// from
// distinct loopback addresses, so they land on different nodes; nothing here is mocked. Needs nginx and openssl.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import type { SessionReplaced } from '@leadlovers/protocol';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCluster, type LocalCluster } from '../../../../deploy/local-cluster/cluster.js';
import { waitFor } from '../../../../deploy/local-cluster/processes.js';
import { probe } from '../../../../deploy/local-cluster/probes.js';
import { mintToken } from '../../src/auth/mint.js';
import { nextEvent, sendPrompt } from '../helpers/gateway.js';
import { sleep } from '@leadlovers/testing';
import {
  clusterClient,
  connectClient,
  nodeForAddress,
  requestsOf,
  servedBy,
  SOURCE_ADDRESSES,
  transportName,
  type ClusterClient,
  type Transports,
} from '../helpers/topology.js';

const PROMPT = 'Liste todas as máquinas disponíveis';
const RUN = randomUUID().slice(0, 8);

describe('cluster topology: nginx (TLS, sticky by address) → 3 gateway nodes → Redis', () => {
  let cluster: LocalCluster;
  let redis: Redis;
  const nodeOf = new Map<string, string>();
  let clients: ClusterClient[] = [];

  const token = (userId: string) => mintToken(cluster.apiSecret, { userId, account: `topology-${RUN}` });
  const sessionKey = (userId: string) => `${cluster.redisKeyPrefix}ws:user:connection:${userId}`;

  async function nodeFor(address: string): Promise<string> {
    let node = nodeOf.get(address);
    if (!node) {
      node = await nodeForAddress(cluster, address);
      nodeOf.set(address, node);
    }
    return node;
  }

  /** One source address per node that serves any of them (2 or 3 addresses), in node order. */
  async function onePerNode(): Promise<string[]> {
    const byNode = new Map<string, string>();
    for (const address of SOURCE_ADDRESSES) {
      const node = await nodeFor(address);
      if (!byNode.has(node)) byNode.set(node, address);
    }
    return [...byNode.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, address]) => address);
  }

  async function open(address: string, userId: string, transports?: Transports): Promise<ClusterClient> {
    const client = clusterClient(cluster, address, await token(userId), transports);
    clients.push(client);
    await connectClient(client);
    return client;
  }

  /** After the clients closed: nginx sent every request of each to the node its address maps to, none got 400. */
  async function expectStickyAndClean(used: ClusterClient[], expectUpgrade: boolean): Promise<void> {
    for (const client of used) {
      const expected = await nodeFor(client.address);
      const entries = await waitFor(
        `nginx log lines of the client at ${client.address}`,
        async () => {
          const found = requestsOf(cluster, client);
          return found.length > 0 && (!expectUpgrade || found.some((e) => e.status === 101)) ? found : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 50 },
      );
      expect(new Set(entries.map((entry) => entry.remote_addr))).toEqual(new Set([client.address]));
      expect(new Set(entries.map((entry) => servedBy(cluster, entry)))).toEqual(new Set([expected]));
      // "Session ID unknown" is a 400 from a node that did not create the session. 499 is nginx's "client closed
      // the request": the long-poll GET pending when the client disconnected.
      expect(entries.filter((entry) => entry.status >= 400 && entry.status !== 499)).toEqual([]);
    }
  }

  beforeAll(async () => {
    // Fails (never skips) with a clear message when nginx, openssl or Redis is missing.
    cluster = await startLocalCluster({ nodes: 3, redisKeyPrefix: `topology-${RUN}:` });
    redis = new Redis(cluster.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  }, 180_000);

  afterEach(() => {
    for (const client of clients) client.close();
    clients = [];
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
    if (redis) {
      // The shared Redis keeps nothing of this run (mailbox entries would otherwise live for 24 h).
      if (cluster?.redisKeyPrefix) {
        const keys: string[] = [];
        for await (const batch of redis.scanStream({ match: `${cluster.redisKeyPrefix}*`, count: 500 })) keys.push(...(batch as string[]));
        if (keys.length > 0) await redis.del(...keys);
      }
      redis.disconnect();
    }
  }, 60_000);

  it('terminates TLS 1.2+ with the generated certificate and redirects HTTP to HTTPS', async () => {
    const health = await probe(`${cluster.httpsUrl}/healthz`, { ca: cluster.caCert });
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);

    const httpsPort = new URL(cluster.httpsUrl).port;
    const protocol = await new Promise<string | null>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: Number(httpsPort), ca: cluster.caCert }, () => {
        resolve(socket.getProtocol());
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(protocol);

    const redirect = await probe(`${cluster.httpUrl}/socket.io/?EIO=4&transport=polling`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`https://127.0.0.1:${httpsPort}/socket.io/?EIO=4&transport=polling`);
  });

  it('hashes distinct source addresses onto at least two nodes, each address always onto the same one', async () => {
    for (const address of SOURCE_ADDRESSES) await nodeFor(address);
    // Ask again: the consistent hash must give the same answer every time.
    for (const address of SOURCE_ADDRESSES) expect(await nodeForAddress(cluster, address)).toBe(nodeOf.get(address));
    const nodes = new Set(nodeOf.values());
    expect(nodes.size, `addresses per node: ${JSON.stringify(Object.fromEntries(nodeOf))}`).toBeGreaterThanOrEqual(2);
    for (const node of nodes) expect(cluster.nodes.map((n) => n.id)).toContain(node);
  });

  it('WebSocket clients connect over wss:// on several nodes and answer a prompt', async () => {
    const addresses = await onePerNode();
    const ws = await Promise.all(addresses.map((address, i) => open(address, `ws-${RUN}-${i}`, ['websocket'])));
    const responses = await Promise.all(ws.map((client) => sendPrompt(client.socket, PROMPT)));
    for (const response of responses) {
      expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    }
    for (const client of ws) {
      expect(transportName(client)).toBe('websocket');
      expect(client.errors).toEqual([]);
      client.close();
    }
    // The connections themselves (nginx logs a WebSocket when it closes) landed on at least two nodes.
    await expectStickyAndClean(ws, true);
    const served = new Set(await Promise.all(ws.map((client) => nodeFor(client.address))));
    expect(served.size).toBeGreaterThanOrEqual(2);
  });

  it('long-polling clients keep their session on one node over several round trips', async () => {
    const addresses = await onePerNode();
    const polling = await Promise.all(addresses.map((address, i) => open(address, `poll-${RUN}-${i}`, ['polling'])));
    await Promise.all(
      polling.map(async (client) => {
        for (let round = 0; round < 3; round++) {
          const response = await sendPrompt(client.socket, PROMPT, `poll-${RUN}-${client.address}-${round}`);
          expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
        }
      }),
    );
    for (const client of polling) {
      expect(transportName(client)).toBe('polling');
      expect(client.errors).toEqual([]);
      // Handshake, connect, three prompts and their answers: many requests, all through nginx.
      expect(requestsOf(cluster, client).length).toBeGreaterThanOrEqual(4);
      client.close();
    }
    await expectStickyAndClean(polling, false);
  });

  it('polling → websocket upgrade clients upgrade through nginx and answer a prompt', async () => {
    const addresses = await onePerNode();
    const upgrading = await Promise.all(addresses.map((address, i) => open(address, `upgrade-${RUN}-${i}`)));
    for (const client of upgrading) {
      await waitFor(`upgrade of the client at ${client.address}`, async () => (transportName(client) === 'websocket' ? true : undefined), {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
    }
    const responses = await Promise.all(upgrading.map((client) => sendPrompt(client.socket, PROMPT)));
    for (const response of responses) expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    for (const client of upgrading) {
      expect(client.errors).toEqual([]);
      client.close();
    }
    // The polling requests and the upgrade request of each client all went to the same node.
    await expectStickyAndClean(upgrading, true);
  });

  it("keeps secrets out of nginx's access log: a ?token= client's JWT and a webhook path's secret", async () => {
    const jwt = await token('t-log-secrets');
    // ?token= over polling then WebSocket: every request of the session carries the JWT in its query.
    const client = clusterClient(cluster, SOURCE_ADDRESSES[0] ?? '127.0.0.2', jwt, ['polling', 'websocket'], 'query');
    clients.push(client);
    await connectClient(client);
    expect((await sendPrompt(client.socket, PROMPT)).isSuccess).toBe(true);
    const hookSecret = `hook-secret-${randomUUID()}`;
    const hook = (await probe(`${cluster.httpsUrl}/webhooks/leadlovers/acc-logs/${hookSecret}?token=${jwt}`, { ca: cluster.caCert })).status;
    expect(hook).toBeGreaterThanOrEqual(400);
    client.close();
    const lines = await waitFor(
      'the nginx log lines of the ?token= client and the webhook',
      async () => {
        const text = readFileSync(cluster.accessLogPath, 'utf8');
        return text.includes('acc-logs') && requestsOf(cluster, client).length > 0 ? text : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(lines).not.toContain(jwt.split('.')[2]);
    expect(lines).not.toContain(jwt.split('.')[1]);
    expect(lines).not.toContain(hookSecret);
    expect(lines).toContain('/webhooks/leadlovers/acc-logs/[redacted]');
    expect(requestsOf(cluster, client).some((entry) => entry.transport === 'polling' && entry.sid !== '')).toBe(true);
  });

  it('kicks the older connection of a user that connects again through another node', async () => {
    const [addressA, addressB] = await onePerNode();
    if (!addressA || !addressB) throw new Error('need two source addresses on different nodes');
    expect(await nodeFor(addressA)).not.toBe(await nodeFor(addressB));
    const userId = `kick-${RUN}`;

    const first = await open(addressA, userId, ['websocket']);
    await waitFor(
      `Redis ${sessionKey(userId)} naming the first socket`,
      async () => ((await redis.get(sessionKey(userId))) === first.socket.id ? true : undefined),
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    const replaced = nextEvent<SessionReplaced>(first.socket, 'session-replaced');
    const disconnected = nextEvent<string>(first.socket, 'disconnect');

    const second = await open(addressB, userId, ['websocket']);
    expect((await replaced).reason).toBe('new-connection');
    expect(await disconnected).toBe('io server disconnect');
    expect(first.socket.connected).toBe(false);
    expect(second.socket.connected).toBe(true);

    // The old socket's disconnect (handled on the other node) must not release the new socket's session.
    await sleep(500);
    expect(await redis.get(sessionKey(userId))).toBe(second.socket.id);
    const response = await sendPrompt(second.socket, PROMPT);
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    expect(second.errors).toEqual([]);
  });

  it('two connections of one user racing on two nodes end with exactly one alive', async () => {
    const [addressA, addressB] = await onePerNode();
    if (!addressA || !addressB) throw new Error('need two source addresses on different nodes');
    const userId = `race-${RUN}`;
    const racing = [clusterClient(cluster, addressA, await token(userId), ['websocket']), clusterClient(cluster, addressB, await token(userId), ['websocket'])];
    clients.push(...racing);
    await Promise.allSettled(racing.map((client) => connectClient(client)));

    const survivor = await waitFor(
      'exactly one live connection, named by the Redis key',
      async () => {
        const alive = racing.filter((client) => client.socket.connected);
        const owner = await redis.get(sessionKey(userId));
        return alive.length === 1 && alive[0]?.socket.id === owner ? alive[0] : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await sleep(500);
    expect(racing.filter((client) => client.socket.connected).map((client) => client.socket.id)).toEqual([survivor.socket.id]);
    expect(await redis.get(sessionKey(userId))).toBe(survivor.socket.id);
  });
});
