// What happens around a connection's life: claim the user's single session (kicking the socket it replaces),
// announce presence, re-send undelivered responses, keep the session entry fresh, disconnect when the token
// expires, and release the session (compare-and-delete) on disconnect.
// Built once per gateway, not per socket: a connection lives for hours doing nothing, so what it holds is what
// it costs. One sweep refreshes every session, one timer enforces every token expiry (expiry-schedule.ts), one
// shared function handles every disconnect, and the log lines carry the socket's ids without a child logger each.
import type { Logger } from 'pino';
import type { DisconnectReason } from 'socket.io';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { SessionKicker } from '../session/kicker.js';
import type { SessionRegistry } from '../session/registry.js';
import type { Mailbox } from '../store/mailbox.js';
import type { Delivery } from './delivery.js';
import type { ConfirmationTracker } from './confirmations.js';
import { createExpirySchedule } from './expiry-schedule.js';
import { announcePresence } from './presence.js';
import { accountRoom, userRoom, type GatewayServer, type GatewaySocket } from '../shared/socket.js';

export interface LifecycleDeps {
  io: GatewayServer;
  sessions: SessionRegistry;
  kicker: SessionKicker;
  mailbox: Mailbox;
  delivery: Delivery;
  /** Whether a connection takes part in confirmations: mailbox replays go only to those that do (in full). */
  confirmations: ConfirmationTracker;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'connectedSockets' | 'connections' | 'disconnections' | 'sessionKicks' | 'mailboxRedeliveries'>;
  /** How often the session entry's TTL is extended while the socket lives. */
  sessionRefreshMs: number;
}

export interface Lifecycle {
  /** Wires a socket that just connected (authenticated: socket.data is set). */
  attach(socket: GatewaySocket): void;
  /** The socket's token now expires at expiresAt (epoch ms; null: never), after an auth-refresh. */
  rescheduleExpiry(socket: GatewaySocket, expiresAt: number | null): void;
  /** Stops the refresh sweep and the expiry timer. */
  close(): void;
}

/** The fields every log line about a socket carries (what a child logger per socket would bind). */
const ids = (socket: GatewaySocket) => ({ socketId: socket.id, userId: socket.data.user.id });

export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const { logger } = deps;
  const sockets = deps.io.of('/').sockets;

  const expiries = createExpirySchedule<GatewaySocket>({
    expiryOf: (socket) => socket.data.tokenExpiresAt,
    onExpire(socket) {
      logger.info(ids(socket), 'token expired on a live socket; disconnecting');
      socket.emit('error', { code: 'TOKEN_EXPIRED', message: 'Your token expired; reconnect with a fresh one (or send auth-refresh before expiry)' });
      socket.disconnect(true);
    },
  });

  // Each session is refreshed every sessionRefreshMs counted from its socket's connect, as a timer per socket
  // would, by a sweep that runs 8 times per period: at most an eighth of a period late, well inside the TTL.
  const refreshMs = deps.sessionRefreshMs;
  const periodsAt = (t: number, since: number) => (t > since ? Math.floor((t - since) / refreshMs) : 0);
  let sweptAt = Date.now();
  const sweep = setInterval(
    () => {
      const t = Date.now();
      for (const socket of sockets.values()) {
        const { user, connectedAt } = socket.data;
        if (!user || periodsAt(t, connectedAt) <= periodsAt(sweptAt, connectedAt)) continue;
        deps.sessions.refresh(user.id, socket.id).catch((err: unknown) => logger.warn({ ...ids(socket), err }, 'session refresh failed'));
      }
      sweptAt = t;
    },
    Math.max(50, Math.floor(refreshMs / 8)),
  );
  sweep.unref();

  // Shared by every socket: Node's EventEmitter calls a listener with `this` set to the emitting socket.
  function onDisconnect(this: GatewaySocket, reason: DisconnectReason): void {
    disconnected(this, reason);
  }

  function disconnected(socket: GatewaySocket, reason: DisconnectReason): void {
    const { user } = socket.data;
    expiries.reschedule(socket, socket.data.tokenExpiresAt, null);
    logger.info({ ...ids(socket), reason }, 'client disconnected');
    deps.metrics.connectedSockets.dec();
    deps.metrics.disconnections.inc({ reason });
    deps.sessions.release(user.id, socket.id).then(
      // Only the live session going away is news: a replaced socket leaving means the user is still online.
      (released) => released && announcePresence(deps.io, user, 'offline'),
      (err: unknown) => logger.warn({ ...ids(socket), err }, 'session release failed'),
    );
  }

  return {
    attach(socket) {
      const { user } = socket.data;
      void socket.join([userRoom(user.id), accountRoom(user.account)]);
      logger.info({ ...ids(socket), account: user.account, transport: socket.conn.transport.name }, 'client connected');
      deps.metrics.connections.inc();
      deps.metrics.connectedSockets.inc();
      expiries.reschedule(socket, null, socket.data.tokenExpiresAt);
      socket.on('disconnect', onDisconnect);
      void claimAndReplay(socket, deps);
    },
    rescheduleExpiry(socket, expiresAt) {
      // A socket already gone must not be scheduled again (its disconnect has unscheduled it for good).
      if (socket.disconnected) return;
      expiries.reschedule(socket, socket.data.tokenExpiresAt, expiresAt);
      socket.data.tokenExpiresAt = expiresAt;
    },
    close() {
      clearInterval(sweep);
      expiries.close();
    },
  };
}

async function claimAndReplay(socket: GatewaySocket, deps: LifecycleDeps): Promise<void> {
  const { user } = socket.data;
  const log = deps.logger;
  // Started first: its synchronous part sets socket.data.confirms from the handshake before any event is handled.
  const confirming = deps.confirmations.resolve(socket);
  try {
    const previous = await deps.sessions.claim(user.id, socket.id);
    if (previous) {
      log.info({ ...ids(socket), replacedSocketId: previous }, 'session replaced: kicking the previous connection');
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
    log.error({ ...ids(socket), err }, 'session claim failed');
  }
  try {
    await confirming;
    const pending = await deps.mailbox.pending(user.id);
    const sent = await deps.delivery.replay(socket, pending);
    deps.metrics.mailboxRedeliveries.inc(sent);
    if (sent) log.info({ ...ids(socket), count: sent, confirms: socket.data.confirms }, 'undelivered responses re-sent');
    log.debug({ ...ids(socket), count: sent, confirms: socket.data.confirms }, 'mailbox replay done');
  } catch (err) {
    log.error({ ...ids(socket), err }, 'mailbox replay failed');
  }
}
