// One live connection per user: a new connection kicks the old one with session-replaced, and the old socket's
// late disconnect never unregisters the new one.
import type { SessionReplaced } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, sendPrompt, startGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

describe('single session per user', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('kicks the previous connection of the same user', async () => {
    const first = await gw.connect('kick-user');
    const replaced = nextEvent<SessionReplaced>(first, 'session-replaced');
    const disconnected = nextEvent<string>(first, 'disconnect');
    const second = await gw.connect('kick-user');

    expect((await replaced).reason).toBe('new-connection');
    expect(Date.parse((await replaced).at)).not.toBeNaN();
    expect(await disconnected).toBe('io server disconnect');
    expect(second.connected).toBe(true);
    await eventually(async () => (await gw.deps.sessions.current('kick-user')) === second.id);

    // The kicked socket's disconnect has been handled; the new one still owns the session and still works.
    const response = await sendPrompt(second, 'Liste todas as máquinas disponíveis');
    expect(response.isSuccess).toBe(true);
    expect(await gw.deps.sessions.current('kick-user')).toBe(second.id);
  });

  it('leaves other users alone', async () => {
    const alice = await gw.connect('alice');
    const bob = await gw.connect('bob');
    await gw.connect('bob');
    await eventually(() => !bob.connected);
    expect(alice.connected).toBe(true);
  });

  it('releases the session when the live socket disconnects', async () => {
    const socket = await gw.connect('leaver');
    await eventually(async () => (await gw.deps.sessions.current('leaver')) === socket.id);
    socket.disconnect();
    await eventually(async () => (await gw.deps.sessions.current('leaver')) === null);
  });

  it('many connections of one user in a burst end with exactly one alive', async () => {
    const sockets = await Promise.all(Array.from({ length: 8 }, () => gw.connect('burst-user')));
    await eventually(() => sockets.filter((s) => s.connected).length === 1);
    const alive = sockets.find((s) => s.connected);
    expect(await gw.deps.sessions.current('burst-user')).toBe(alive?.id);
  });
});
