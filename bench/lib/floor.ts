// The floor: two bare Socket.IO servers joined by @socket.io/redis-adapter over ioredis, with nothing of the
// gateway on top (no auth, no session registry, no emitter). Every socket joins one room, for the broadcast floor.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestCluster } from '../../apps/gateway/test/helpers/cluster.js';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { io, type Socket as IoClient } from 'socket.io-client';

type IoServer = Server;

type Redis = TestCluster['redis'];

export const FLOOR_ROOM = 'account:floor';

export interface FloorPair {
  servers: [IoServer, IoServer];
  /** A websocket client of server i, not connected yet; closed by close(). */
  client(i: 0 | 1): IoClient;
  close(): Promise<void>;
}

export async function startFloorPair(redis: Redis, key: string): Promise<FloorPair> {
  const connections: Redis[] = [];
  const clients = new Set<IoClient>();
  const start = async (): Promise<{ server: IoServer; url: string }> => {
    const pub = redis.duplicate();
    const sub = redis.duplicate();
    connections.push(pub, sub);
    const http = createServer();
    const server = new Server(http, { adapter: createAdapter(pub, sub, { key }) });
    server.on('connection', (socket) => void socket.join(FLOOR_ROOM));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  };
  const a = await start();
  const b = await start();
  const urls = [a.url, b.url] as const;
  return {
    servers: [a.server, b.server],
    client(i) {
      const socket = io(urls[i], { autoConnect: false, reconnection: false, transports: ['websocket'], forceNew: true });
      clients.add(socket);
      return socket;
    },
    async close() {
      for (const socket of clients) socket.disconnect();
      await Promise.all([a.server, b.server].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      await Promise.allSettled(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
