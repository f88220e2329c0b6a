// Redis killed and restarted under running nodes (our own redis-server on a free port): the nodes stay up and
// keep serving their local clients and stay ready while Redis is down (/readyz 200, `"redis": false` in its body:
// readiness never depends on Redis, so a Redis outage does not take every node out of its Service at once), and
// recover without a restart — the body says `"redis": true` again and cross-node kicks work again.
import type { ChildProcess } from 'node:child_process';
import type { SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { nextEvent, sendPrompt } from '../helpers/gateway.js';
import { freePorts } from '../../../../deploy/local-cluster/processes.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { eventually } from '@leadlovers/testing';

async function readyz(url: string): Promise<{ status: number; body: { checks: Record<string, boolean>; redis?: boolean } }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, boolean>; redis?: boolean } };
}

describe('Redis restarted under a running cluster', () => {
  let port: number;
  let redis: ChildProcess;
  let cluster: TestCluster;

  beforeAll(async () => {
    port = (await freePorts(1))[0]!;
    redis = await startRedisServer(port);
    cluster = await startCluster(2, { REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await cluster?.close();
    redis?.kill('SIGKILL');
  });

  it('nodes stay up, ready and serving while Redis is down, report it in /readyz, and recover', async () => {
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    expect(await readyz(a.url)).toMatchObject({ status: 200, body: { redis: true } });
    const local = await a.connect('outage-user');

    redis.kill('SIGKILL');
    await eventually(async () => (await readyz(a.url)).body.redis === false && (await readyz(b.url)).body.redis === false, 100, 100);
    for (const node of [a, b]) {
      const { status, body } = await readyz(node.url);
      expect(status).toBe(200);
      expect(body.checks).toEqual({ mcpPool: true, notDraining: true, capacity: true });
    }

    // Still serving its local client, with no Redis at all.
    const during = await sendPrompt(local, 'Liste todas as máquinas disponíveis');
    expect(during).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    expect(await fetch(`${a.url}/healthz`).then((r) => r.status)).toBe(200);

    expect((await readyz(a.url)).status).toBe(200);

    redis = await startRedisServer(port);
    await eventually(async () => (await readyz(a.url)).body.redis === true && (await readyz(b.url)).body.redis === true, 200, 100);

    // Cluster features are back without restarting a node: a cross-node kick goes through.
    const onA = await a.connect('after-outage');
    const replaced = nextEvent<SessionReplaced>(onA, 'session-replaced');
    await b.connect('after-outage');
    expect((await replaced).reason).toBe('new-connection');
    expect(local.connected).toBe(true);
  }, 60_000);
});
