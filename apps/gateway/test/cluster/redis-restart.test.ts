// Redis killed and restarted under running nodes (our own redis-server on a free port): the nodes stay up and
// keep serving their local clients, report not-ready while Redis is down, and recover without a restart —
// readiness returns and cross-node kicks work again.
import type { ChildProcess } from 'node:child_process';
import type { SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { nextEvent, sendPrompt } from '../helpers/gateway.js';
import { freePorts } from '../../../../deploy/local-cluster/processes.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { eventually } from '../helpers/async.js';

async function readyz(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`)).status;
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

  it('nodes stay up and serve, report not-ready while Redis is down, and recover', async () => {
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    expect(await readyz(a.url)).toBe(200);
    const local = await a.connect('outage-user');

    redis.kill('SIGKILL');
    await eventually(async () => (await readyz(a.url)) === 503 && (await readyz(b.url)) === 503, 100, 100);
    const body = (await (await fetch(`${a.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(body.checks).toMatchObject({ redis: false, mcpPool: true });

    // Still serving its local client, with no Redis at all.
    const during = await sendPrompt(local, 'Liste todas as máquinas disponíveis');
    expect(during).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    expect(await fetch(`${a.url}/healthz`).then((r) => r.status)).toBe(200);

    redis = await startRedisServer(port);
    await eventually(async () => (await readyz(a.url)) === 200 && (await readyz(b.url)) === 200, 200, 100);

    // Cluster features are back without restarting a node: a cross-node kick goes through.
    const onA = await a.connect('after-outage');
    const replaced = nextEvent<SessionReplaced>(onA, 'session-replaced');
    await b.connect('after-outage');
    expect((await replaced).reason).toBe('new-connection');
    expect(local.connected).toBe(true);
  }, 60_000);
});
