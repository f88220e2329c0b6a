// What happens around a connection's life: claim the user's single session (kicking the socket it replaces),
// re-send undelivered responses, keep the session entry fresh, disconnect when the token expires, and release
// the session (compare-and-delete) on disconnect.
import type { Logger } from 'pino';
import type { SessionReplaced } from '@leadlovers/protocol';
import type { SessionRegistry } from '../session/registry.js';
import type { Mailbox } from '../store/mailbox.js';
import { accountRoom, userRoom, type GatewayServer, type GatewaySocket } from './types.js';

const SESSION_REFRESH_MS = 20 * 60_000;
const MAX_TIMER_MS = 2_147_483_647;

export interface LifecycleDeps {
  io: GatewayServer;
  sessions: SessionRegistry;
  mailbox: Mailbox;
  logger: Logger;
}

/** Tells a socket (on this node, or on any node once the Redis adapter is in) that it was replaced, then cuts it. */
export function kickSocket(io: GatewayServer, socketId: string, reason: SessionReplaced['reason']): void {
  io.to(socketId).emit('session-replaced', { at: new Date().toISOString(), reason });
  io.in(socketId).disconnectSockets(true);
}

export function attachLifecycle(socket: GatewaySocket, deps: LifecycleDeps): { rescheduleExpiry(expiresAt: number | null): void } {
  const { user } = socket.data;
  const log = deps.logger.child({ socketId: socket.id, userId: user.id });
  let expiryTimer: NodeJS.Timeout | undefined;

  void socket.join([userRoom(user.id), accountRoom(user.account)]);
  log.info({ account: user.account, transport: socket.conn.transport.name }, 'client connected');

  const refreshTimer = setInterval(() => {
    deps.sessions.refresh(user.id, socket.id).catch((err: unknown) => log.warn({ err }, 'session refresh failed'));
  }, SESSION_REFRESH_MS);
  refreshTimer.unref();

  function rescheduleExpiry(expiresAt: number | null): void {
    clearTimeout(expiryTimer);
    socket.data.tokenExpiresAt = expiresAt;
    if (expiresAt === null) return;
    expiryTimer = setTimeout(() => {
      log.info('token expired on a live socket; disconnecting');
      socket.emit('error', { code: 'TOKEN_EXPIRED', message: 'Your token expired; reconnect with a fresh one (or send auth-refresh before expiry)' });
      socket.disconnect(true);
    }, Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS));
    expiryTimer.unref();
  }
  rescheduleExpiry(socket.data.tokenExpiresAt);

  socket.on('disconnect', (reason) => {
    clearInterval(refreshTimer);
    clearTimeout(expiryTimer);
    log.info({ reason }, 'client disconnected');
    deps.sessions.release(user.id, socket.id).catch((err: unknown) => log.warn({ err }, 'session release failed'));
  });

  void claimAndReplay(socket, deps, log);
  return { rescheduleExpiry };
}

async function claimAndReplay(socket: GatewaySocket, deps: LifecycleDeps, log: Logger): Promise<void> {
  const { user } = socket.data;
  try {
    const previous = await deps.sessions.claim(user.id, socket.id);
    if (previous) {
      log.info({ replacedSocketId: previous }, 'session replaced: kicking the previous connection');
      kickSocket(deps.io, previous, 'new-connection');
    }
    if (socket.disconnected) {
      // It went away while we were claiming: do not leave the registry naming a dead socket.
      await deps.sessions.release(user.id, socket.id);
      return;
    }
    const pending = await deps.mailbox.pending(user.id);
    for (const response of pending) {
      socket.emit('prompt-response', { ...response, metadata: { ...response.metadata, replayed: true } });
    }
    if (pending.length) log.info({ count: pending.length }, 'undelivered responses re-sent');
  } catch (err) {
    log.error({ err }, 'session claim or mailbox replay failed');
  }
}
