// What happens around a connection's life: claim the user's single session (kicking the socket it replaces),
// announce presence, re-send undelivered responses, keep the session entry fresh, disconnect when the token
// expires, and release the session (compare-and-delete) on disconnect.
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics.js';
import type { SessionKicker } from '../session/kicker.js';
import type { SessionRegistry } from '../session/registry.js';
import type { Mailbox } from '../store/mailbox.js';
import type { Delivery } from './delivery.js';
import { announcePresence } from './presence.js';
import { accountRoom, userRoom, type GatewayServer, type GatewaySocket } from './types.js';

const MAX_TIMER_MS = 2_147_483_647;

export interface LifecycleDeps {
  io: GatewayServer;
  sessions: SessionRegistry;
  kicker: SessionKicker;
  mailbox: Mailbox;
  delivery: Delivery;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'connectedSockets' | 'connections' | 'disconnections' | 'sessionKicks' | 'mailboxRedeliveries'>;
  /** How often the session entry's TTL is extended while the socket lives. */
  sessionRefreshMs: number;
}

export function attachLifecycle(socket: GatewaySocket, deps: LifecycleDeps): { rescheduleExpiry(expiresAt: number | null): void } {
  const { user } = socket.data;
  const log = deps.logger.child({ socketId: socket.id, userId: user.id });
  let expiryTimer: NodeJS.Timeout | undefined;

  void socket.join([userRoom(user.id), accountRoom(user.account)]);
  log.info({ account: user.account, transport: socket.conn.transport.name }, 'client connected');
  deps.metrics.connections.inc();
  deps.metrics.connectedSockets.inc();

  const refreshTimer = setInterval(() => {
    deps.sessions.refresh(user.id, socket.id).catch((err: unknown) => log.warn({ err }, 'session refresh failed'));
  }, deps.sessionRefreshMs);
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
    deps.metrics.connectedSockets.dec();
    deps.metrics.disconnections.inc({ reason });
    deps.sessions.release(user.id, socket.id).then(
      // Only the live session going away is news: a replaced socket leaving means the user is still online.
      (released) => released && announcePresence(deps.io, user, 'offline'),
      (err: unknown) => log.warn({ err }, 'session release failed'),
    );
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
      deps.kicker.kick(previous, 'new-connection');
      deps.metrics.sessionKicks.inc({ cause: 'replaced' });
    }
    if (socket.disconnected) {
      // It went away while we were claiming: do not leave the registry naming a dead socket.
      await deps.sessions.release(user.id, socket.id);
      return;
    }
    announcePresence(deps.io, user, 'online');
  } catch (err) {
    // Redis down: the connection still works on this node; the single-session guarantee resumes with Redis.
    log.error({ err }, 'session claim failed');
  }
  try {
    const pending = await deps.mailbox.pending(user.id);
    deps.delivery.replay(socket, pending);
    deps.metrics.mailboxRedeliveries.inc(pending.length);
    if (pending.length) log.info({ count: pending.length }, 'undelivered responses re-sent');
  } catch (err) {
    log.error({ err }, 'mailbox replay failed');
  }
}
