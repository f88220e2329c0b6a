// Graceful drain and load shedding on a gateway in this process: /readyz flips at once, clients hear
// server-draining, new connections and new requests are refused with codes, in-flight requests finish and are
// answered, the rest are disconnected in batches; above its connection limit a node refuses with OVERLOADED.
import type { PromptResponse, ServerDraining } from '@leadlovers/protocol';
import { describe, expect, it } from 'vitest';
import { callTool, collect, connectError, nextEvent, startGateway } from '../helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean> } };
};

describe('graceful drain', () => {
  it('finishes requests in flight, refuses new ones, and disconnects clients in batches', async () => {
    const gw = await startGateway({ EMBEDDED_LATENCY_MS: '1200', DRAIN_TIMEOUT_MS: '10000', DRAIN_BATCH_SIZE: '2', DRAIN_BATCH_INTERVAL_MS: '150' });
    try {
      expect((await readyz(gw.url)).status).toBe(200);
      const busy = await gw.connect('drain-busy');
      const idle = await Promise.all(['d1', 'd2', 'd3', 'd4'].map((id) => gw.connect(id)));
      const draining = nextEvent<ServerDraining>(busy, 'server-draining');
      const disconnects = idle.map((socket) => nextEvent<string>(socket, 'disconnect', 20_000));

      const inFlight = callTool(busy, 'get_machines', {}, 'drain-in-flight');
      await sleep(200);
      const drained = gw.gateway.drain();

      const during = await readyz(gw.url);
      expect(during.status).toBe(503);
      expect(during.body.checks).toMatchObject({ notDraining: false, mcpPool: true });
      expect((await draining).reconnectInMs).toBeGreaterThan(0);
      expect((await connectError(gw.client({ auth: { token: await gw.token('latecomer') } }))).data?.code).toBe('SERVER_DRAINING');
      const refused = await callTool(idle[0]!, 'get_machines', {});
      expect(refused).toMatchObject({ isSuccess: false, code: 'SERVER_DRAINING' });

      const answered: PromptResponse = await inFlight;
      expect(answered).toMatchObject({ isSuccess: true, requestId: 'drain-in-flight', tool: 'get_machines' });
      expect(await Promise.all(disconnects)).toEqual(Array(4).fill('io server disconnect'));
      const report = await drained;
      expect(report).toMatchObject({ inFlightAtStart: 1, unfinished: 0, disconnected: 5 });
    } finally {
      await gw.close();
    }
  }, 30_000);

  it('stops waiting at DRAIN_TIMEOUT_MS; the late response stays in the mailbox for the reconnect', async () => {
    const gw = await startGateway({ EMBEDDED_LATENCY_MS: '2500', DRAIN_TIMEOUT_MS: '300', DRAIN_BATCH_INTERVAL_MS: '0' });
    try {
      const socket = await gw.connect('slow-user');
      socket.emit('call-tool', { tool: 'get_machines', arguments: {}, requestId: 'too-slow' });
      await sleep(200);
      const report = await gw.gateway.drain();
      expect(report).toMatchObject({ inFlightAtStart: 1, unfinished: 1 });
      await eventually(async () => (await gw.deps.mailbox.pending('slow-user')).some((r) => r.requestId === 'too-slow'), 100, 50);
    } finally {
      await gw.close();
    }
  }, 30_000);
});

describe('load shedding', () => {
  it('refuses connections above MAX_CONNECTIONS with OVERLOADED and turns not-ready', async () => {
    const gw = await startGateway({ MAX_CONNECTIONS: '2' });
    try {
      const first = await gw.connect('shed-1');
      await gw.connect('shed-2');
      const refusal = await connectError(gw.client({ auth: { token: await gw.token('shed-3') } }));
      expect(refusal.data?.code).toBe('OVERLOADED');
      const full = await readyz(gw.url);
      expect(full.status).toBe(503);
      expect(full.body.checks.capacity).toBe(false);

      first.disconnect();
      await eventually(async () => (await readyz(gw.url)).status === 200);
      const third = await gw.connect('shed-3');
      expect(third.connected).toBe(true);
      expect(collect(third, 'error')).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});
