// One round of each latency measurement. kick: a user's old socket on node A, the same user connecting on node B,
// until the old socket's client sees `disconnect`. floor: a bare server B calling disconnectSockets(true) on a
// socket of bare server A, until its client sees `disconnect`.
import { performance } from 'node:perf_hooks';
import type { TestGateway } from '../../apps/gateway/test/helpers/gateway.js';
import type { FloorPair } from './floor.js';
import { connectTimed, whenNext } from './timing.js';

export interface KickSample {
  /** New socket's `connect` → old socket's `disconnect`. */
  fromHandshake: number;
  /** New socket's connect() call → old socket's `disconnect`. */
  fromConnectStart: number;
}

export async function kickRound(a: TestGateway, b: TestGateway, userId: string, timeoutMs: number): Promise<KickSample> {
  const old = a.client({ auth: { token: await a.token(userId) } });
  const fresh = b.client({ auth: { token: await b.token(userId) } });
  try {
    // The old socket hears its own presence-changed once its claim is in Redis: only then is it the one to kick.
    const claimed = whenNext(old, 'presence-changed', timeoutMs);
    await connectTimed(old, timeoutMs);
    await claimed;
    const gone = whenNext(old, 'disconnect', timeoutMs);
    const startedAt = performance.now();
    const connectedAt = await connectTimed(fresh, timeoutMs);
    const goneAt = await gone;
    return { fromHandshake: goneAt - connectedAt, fromConnectStart: goneAt - startedAt };
  } finally {
    old.disconnect();
    fresh.disconnect();
  }
}

export async function floorRound(pair: FloorPair, timeoutMs: number): Promise<number> {
  const client = pair.client(0);
  try {
    await connectTimed(client, timeoutMs);
    const gone = whenNext(client, 'disconnect', timeoutMs);
    const calledAt = performance.now();
    pair.servers[1].in(client.id ?? '').disconnectSockets(true);
    return (await gone) - calledAt;
  } finally {
    client.disconnect();
  }
}
