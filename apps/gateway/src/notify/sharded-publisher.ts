// Publishing into gateways that use the sharded adapter (Redis Cluster, REDIS_SHARDED) from a process that is not
// a gateway (`pnpm kick`, connectNotifier): @socket.io/redis-emitter speaks classic PUBLISH only, so a headless
// Socket.IO server (no HTTP server, no sockets) with the same sharded adapter does the broadcast or serverSideEmit.
// Its adapter subscribes to nothing: it is never counted among the nodes (SHARDNUMSUB), so the nodes' cluster-wide
// requests (fetchSockets for presence) never wait for it.
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { RedisClient } from '../shared/redis.js';
import type { GatewayServer } from '../shared/socket.js';

export interface ShardedPublisher {
  /**
   * Runs `send` (one broadcast or serverSideEmit through `io`) and resolves with Redis' SPUBLISH reply: how many
   * gateway nodes' subscriptions received it. Rejects when Redis did not take it.
   */
  publish(send: (io: GatewayServer) => void): Promise<number>;
  /** The adapter's channels are closed; the caller owns (and quits) the Redis client. */
  close(): Promise<void>;
}

export function createShardedPublisher(pub: RedisClient, channelPrefix: string): ShardedPublisher {
  let sent: Promise<number> | undefined;
  const client = pub as unknown as { spublish: (channel: string, message: string | Buffer) => Promise<number> };
  const spublish = client.spublish.bind(pub);
  // The adapter drops SPUBLISH's reply (and its error); keep it, for publish() to answer with.
  client.spublish = (channel, message) => (sent = spublish(channel, message));
  const io: GatewayServer = new Server({ adapter: createShardedAdapter(pub, noSubscriptions(), { channelPrefix, subscriptionMode: 'dynamic' }) });
  return {
    publish(send) {
      sent = undefined;
      // The adapter calls SPUBLISH synchronously from inside the emit.
      send(io);
      return sent ?? Promise.reject(new Error('nothing was published'));
    },
    async close() {
      // A headless server has no engine to close: only the namespace's adapter holds anything.
      await io.of('/').adapter.close();
    },
  };
}

/** What the sharded adapter needs of a subscriber, subscribing to nothing (one per adapter: it keeps state on it). */
function noSubscriptions() {
  const client = {
    on: () => client,
    ssubscribe: async () => 0,
    sunsubscribe: async () => 0,
  };
  return client;
}
