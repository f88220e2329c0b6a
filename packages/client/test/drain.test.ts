// server-draining in a two-node Redis cluster: the client connects through a round-robin TCP proxy (standing in
// for nginx), one node drains, and the client goes draining → reconnecting → connected on the other node. A
// request made while draining is held and answered after the move. Needs Redis (fails without it).
import { createServer, connect as tcpConnect, type Server, type Socket as TcpSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../../apps/gateway/test/helpers/cluster.js';
import { eventually } from '@leadlovers/testing';
import { listenLocal } from '../../../apps/gateway/test/helpers/http.js';
import { createGatewayClient, type ClientState, type StateChange } from '../src/index.js';

/** Each new TCP connection goes to the next node in turn, like a load balancer without stickiness. */
async function startProxy(ports: number[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const open = new Set<TcpSocket>();
  const server: Server = createServer((downstream) => {
    const port = ports[next++ % ports.length] as number;
    const upstream = tcpConnect(port, '127.0.0.1');
    for (const [from, to] of [
      [downstream, upstream],
      [upstream, downstream],
    ] as const) {
      open.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        open.delete(from);
        to.destroy();
      });
    }
  });
  const url = await listenLocal(server);
  return {
    url,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('gateway client SDK: server-draining in a cluster', () => {
  let cluster: TestCluster;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    cluster = await startCluster(2, { DRAIN_BATCH_INTERVAL_MS: '50', DRAIN_TIMEOUT_MS: '5000' });
    proxy = await startProxy(cluster.nodes.map((node) => Number(new URL(node.url).port)));
  });
  afterAll(async () => {
    await proxy?.close();
    await cluster?.close();
  });

  it('moves to the other node with jittered reconnects, holding a request made while draining', async () => {
    const [first, second] = cluster.nodes;
    if (!first || !second) throw new Error('two nodes expected');
    const client = createGatewayClient({
      url: proxy.url,
      transports: ['websocket'], // polling would spread one session's HTTP requests over both nodes
      getToken: () => first.token('drain-user'),
      backoff: { minDelayMs: 50, maxDelayMs: 300 },
    });
    try {
      await client.connect();
      const changes: StateChange[] = [];
      client.on('state', (change) => changes.push(change));
      const nodeOf = () => cluster.nodes.findIndex((node) => node.gateway.io.of('/').sockets.has(client.socketId ?? ''));
      const drained = nodeOf();
      expect(drained).toBeGreaterThanOrEqual(0);
      const draining = cluster.nodes[drained] as (typeof cluster.nodes)[number];

      const report = draining.gateway.drain();
      // From the recorded changes, not the current state: a fast reconnect can pass through both between two polls.
      await eventually(() => changes.some((change) => change.state === 'draining' || change.state === 'reconnecting'));
      const held = client.sendPrompt('Liste todas as máquinas disponíveis', { requestId: 'drain-held-1' });
      await report;
      await eventually(() => client.state === 'connected', 200);

      const answer = await held;
      expect(answer).toMatchObject({ isSuccess: true, requestId: 'drain-held-1' });
      const seen: ClientState[] = changes.map((change) => change.state);
      expect(seen[0]).toBe('draining');
      expect(seen).toContain('reconnecting');
      expect(seen.at(-1)).toBe('connected');
      expect(seen).not.toContain('replaced');
      expect(nodeOf()).toBe(1 - drained);
      // The held request never reached the draining node: it ran once, on the other one.
      const linesOf = (index: number) => (cluster.nodes[index]?.logs ?? []).filter((line) => line.requestId === 'drain-held-1');
      expect(linesOf(drained)).toEqual([]);
      // (the node logs the answer after storing history, a moment after the client has it)
      await eventually(() => linesOf(1 - drained).some((line) => line.msg === 'prompt answered'));
      expect(linesOf(1 - drained).filter((line) => line.msg === 'prompt answered')).toHaveLength(1);
      expect((await client.getPresence()).map((user) => user.userId)).toEqual(['drain-user']);
    } finally {
      client.close();
    }
  });
});
