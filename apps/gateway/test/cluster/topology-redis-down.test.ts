// Redis SIGKILLed under the whole topology: nginx (TLS, sticky by address) → 3 gateway nodes → our own
// redis-server on a free port (never the shared one). Readiness does not depend on Redis, so no node leaves
// rotation: every node's /readyz stays 200 and says `"redis": false` in its body (and gateway_redis_up is 0), and
// the clients on each node keep getting answers through nginx. When Redis is back, the body says so again. And
// nginx.conf never proxies /metrics: the nodes serve it, nginx answers 404.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCluster, type LocalCluster } from '../../../../deploy/local-cluster/cluster.js';
import { freePorts } from '../../../../deploy/local-cluster/processes.js';
import { probe } from '../../../../deploy/local-cluster/probes.js';
import { mintToken } from '../../src/auth/mint.js';
import { eventually } from '@leadlovers/testing';
import { sendPrompt } from '../helpers/gateway.js';
import { killRedisServer, startRedisServer } from '../helpers/redis-server.js';
import { clusterClient, connectClient, nodeForAddress, SOURCE_ADDRESSES, type ClusterClient } from '../helpers/topology.js';

const PROMPT = 'Liste todas as máquinas disponíveis';
const RUN = randomUUID().slice(0, 8);

interface Readyz {
  status: number;
  body: { status: string; checks: Record<string, boolean>; redis?: boolean };
}

async function readyz(port: number): Promise<Readyz> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: (await response.json()) as Readyz['body'] };
}

async function redisUpGauge(port: number): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return /^gateway_redis_up (\S+)$/m.exec(text)?.[1];
}

describe('Redis killed under nginx and 3 nodes', () => {
  let redisPort: number;
  let redis: ChildProcess;
  let cluster: LocalCluster;
  let clients: ClusterClient[] = [];

  beforeAll(async () => {
    redisPort = (await freePorts(1))[0]!;
    redis = await startRedisServer(redisPort);
    cluster = await startLocalCluster({ nodes: 3, redisUrl: `redis://127.0.0.1:${redisPort}`, redisKeyPrefix: `redis-down-${RUN}:` });
  }, 180_000);

  afterEach(() => {
    for (const client of clients) client.close();
    clients = [];
  });

  afterAll(async () => {
    await cluster?.stop();
    if (redis) await killRedisServer(redis);
  }, 60_000);

  it("nginx answers 404 for /metrics, which each node serves to whoever reaches it directly", async () => {
    for (const path of ['/metrics', '/metrics/', '/metrics?x=1']) {
      expect((await probe(`${cluster.httpsUrl}${path}`, { ca: cluster.caCert })).status, path).toBe(404);
    }
    expect(await redisUpGauge(cluster.nodes[0]!.port)).toBe('1');
  });

  it('every node stays ready and keeps serving its clients while Redis is down, and reports it', async () => {
    // One client per node, each from a source address nginx hashes onto that node. The hash ring depends on the
    // nodes' ports, so 12 addresses miss a node in about 2 % of runs: look through up to 60 (Linux routes all of
    // 127/8 to lo), which miss one in about 10⁻¹⁰.
    const addressOf = new Map<string, string>();
    const candidates = [...SOURCE_ADDRESSES, ...Array.from({ length: 48 }, (_, i) => `127.0.0.${i + 14}`)];
    for (const address of candidates) {
      const node = await nodeForAddress(cluster, address);
      if (!addressOf.has(node)) addressOf.set(node, address);
      if (addressOf.size === cluster.nodes.length) break;
    }
    expect([...addressOf.keys()].sort(), 'the source addresses reach every node').toEqual(cluster.nodes.map((n) => n.id).sort());
    for (const [node, address] of addressOf) {
      const client = clusterClient(cluster, address, await mintToken(cluster.apiSecret, { userId: `down-${node}`, account: `redis-down-${RUN}` }));
      clients.push(client);
      await connectClient(client);
      expect(await sendPrompt(client.socket, PROMPT)).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    }
    for (const node of cluster.nodes) expect(await readyz(node.port)).toMatchObject({ status: 200, body: { redis: true } });

    await killRedisServer(redis);
    // Each node notices (its body says so); none turns not-ready for it.
    for (const node of cluster.nodes) {
      await eventually(async () => (await readyz(node.port)).body.redis === false, 100, 100);
      expect(await readyz(node.port)).toMatchObject({ status: 200, body: { status: 'ready', redis: false } });
      expect(await redisUpGauge(node.port)).toBe('0');
    }

    // The clients, on every node, still get answers through nginx, with no Redis at all.
    for (const client of clients) {
      expect(client.socket.connected).toBe(true);
      expect(await sendPrompt(client.socket, PROMPT)).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    }
    for (const node of cluster.nodes) expect((await readyz(node.port)).status).toBe(200);
    expect(clients.flatMap((client) => client.errors)).toEqual([]);

    redis = await startRedisServer(redisPort);
    for (const node of cluster.nodes) {
      await eventually(async () => (await readyz(node.port)).body.redis === true, 200, 100);
      expect(await redisUpGauge(node.port)).toBe('1');
    }
  }, 120_000);
});
