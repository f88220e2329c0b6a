// Kicking a socket that a newer connection (or an admin) replaced: tell it why (session-replaced), then cut it,
// on whichever node holds it. In a Redis cluster the notice and the disconnect are published through
// @socket.io/redis-emitter; on one node (or with the sharded adapter, which the emitter does not speak) the
// Socket.IO server's own broadcast does the same through its adapter.
import type { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents, SessionReplaced } from '@leadlovers/protocol';
import type { GatewayServer } from '../shared/socket.js';

export interface SessionKicker {
  /** target: a socket id, or a room such as user:<id>. */
  kick(target: string, reason: SessionReplaced['reason']): void;
}

export function createServerKicker(io: GatewayServer): SessionKicker {
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
