// Kicking a socket that a newer connection (or an admin) replaced: tell it why (session-replaced), then cut it,
// on whichever node holds it. Three paths: on one node, the Socket.IO server itself; with classic pub/sub (one
// Redis, Sentinel), @socket.io/redis-emitter, whose one publisher connection delivers the notice before the
// disconnect; with sharded pub/sub (Redis Cluster, REDIS_SHARDED), one 'session-kick' serverSideEmit message that
// every node carries out locally, since a room's notice and the disconnect would travel on different shards.
import type { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents, SessionReplaced } from '@leadlovers/protocol';
import type { GatewayServer } from '../shared/socket.js';

export interface SessionKicker {
  /** target: a socket id, or a room such as user:<id>. */
  kick(target: string, reason: SessionReplaced['reason']): void;
}

/** The server itself (`io`), or its local-only operator (`io.local`). */
type Broadcaster = Pick<GatewayServer['local'], 'to' | 'in'>;

export function createServerKicker(io: Broadcaster): SessionKicker {
  return {
    kick(target, reason) {
      io.to(target).emit('session-replaced', { at: new Date().toISOString(), reason });
      io.in(target).disconnectSockets(true);
    },
  };
}

export function createEmitterKicker(emitter: Emitter<ServerToClientEvents>): SessionKicker {
  return {
    kick(target, reason) {
      // One publisher connection: Redis delivers the notice before the disconnect request to every node.
      emitter.to(target).emit('session-replaced', { at: new Date().toISOString(), reason });
      emitter.in(target).disconnectSockets(true);
    },
  };
}

/** Sharded pub/sub: this node's sockets directly, every other node's through one 'session-kick' message. */
export function createShardedKicker(io: GatewayServer): SessionKicker {
  const local = createServerKicker(io.local);
  // From other nodes and from `pnpm kick`.
  io.on('session-kick', (target, reason) => {
    if (typeof target === 'string' && (reason === 'new-connection' || reason === 'admin')) local.kick(target, reason);
  });
  return {
    kick(target, reason) {
      local.kick(target, reason);
      io.serverSideEmit('session-kick', target, reason);
    },
  };
}
