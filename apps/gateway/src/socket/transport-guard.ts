// Limits below the event layer, where Socket.IO middlewares never look: Engine.IO handshakes (a session costs
// memory before any JWT is seen), every inbound packet (acks and CONNECTs skip socket.use), refused CONNECTs and
// sessions that never log in.
//   - allowRequest: a new session is refused past the per-address handshake budget (twice CONNECT_ATTEMPTS_PER_MINUTE),
//     and past MAX_CONNECTIONS (every session counts, logged in or not) plus a small headroom, before Engine.IO
//     opens it. Within the headroom the handshake passes so that its CONNECT hears the coded refusal (OVERLOADED)
//     that a client can act on, and the connection is closed right after it.
//   - per connection: every inbound packet counts against PACKETS_PER_WINDOW and its bytes against
//     PACKET_BYTES_PER_WINDOW; past either the connection is closed. Both sit above what the event layer allows
//     (event-limit.ts cuts a socket at 10× EVENTS_PER_10S events in a window): they catch what it never sees,
//     acks above all, which Socket.IO hands to no middleware.
//   - a session that has not completed a Socket.IO CONNECT within AUTH_TIMEOUT_MS is closed, and so is one whose
//     CONNECT was refused REFUSALS_BEFORE_CLOSE times (a client retrying a bad token on one connection forever),
//     or that sends more CONNECTs than that before one succeeds (a flood: the refusals are asynchronous, so the
//     count of CONNECT packets is what stops it, at the packet, before any middleware runs).
// Each closure and refusal is counted (gateway_transport_closures_total, gateway_handshake_refusals_total) and
// logged through a throttle: one line per interval, with a count of the rest.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { clientAddress } from '../auth/connect-limit.js';
import type { Admission } from '../lifecycle/admission.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { createLogThrottle } from '../shared/log-throttle.js';
import type { GatewaySocket } from '../shared/socket.js';

/** Refused CONNECTs on one connection before it is closed. */
export const REFUSALS_BEFORE_CLOSE = 3;

/** Whether an Engine.IO connection_error's message is a handshake this guard refused (it logged and counted it). */
export function refusedByGuard(message: unknown): boolean {
  return typeof message === 'string' && GUARD_REFUSAL.test(message);
}
const GUARD_REFUSAL = /^(RATE_LIMITED|OVERLOADED|SERVER_DRAINING): /;

/** What the guard needs of an Engine.IO socket (engine.io's Socket). */
export interface EngineConnection {
  readonly id: string;
  readonly remoteAddress: string;
  readonly readyState: string;
  on(event: 'packet', listener: (packet: { type: string; data?: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  close(): unknown;
}

export interface TransportGuardOptions {
  admission: Pick<Admission, 'refusal'>;
  /** MAX_CONNECTIONS (0: none) and the sessions open now, logged in or not. */
  maxConnections: number;
  sessions(): number;
  handshakesPerMinute: number;
  trustProxyHops: number;
  packetsPerWindow: number;
  packetBytesPerWindow: number;
  windowMs: number;
  authTimeoutMs: number;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'preAuthSessions' | 'transportClosures' | 'handshakeRefusals'>;
  now?: () => number;
}

type Middleware = (socket: GatewaySocket, next: (err?: Error) => void) => void | Promise<void>;

export interface TransportGuard {
  /** Engine.IO's allowRequest option: runs for handshakes only (requests without a sid). */
  allowRequest(req: IncomingMessage, callback: (message: string | null | undefined, success: boolean) => void): void;
  /** For io.engine.on('connection'): budgets and the auth timer of a new session. */
  attach(conn: EngineConnection): void;
  /** The session logged in (io.on('connection')): its auth timer stops and it no longer counts as pre-auth. */
  authenticated(conn: EngineConnection): void;
  /** Wraps a refusing Socket.IO middleware: its refusals count towards closing the connection. */
  counted(middleware: Middleware): Middleware;
  close(): void;
}

interface ConnState {
  windowStart: number;
  packets: number;
  bytes: number;
  refusals: number;
  connects: number;
  timer: NodeJS.Timeout | undefined;
}

const sizeOf = (data: unknown): number =>
  typeof data === 'string' ? data.length : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;

export function createTransportGuard(options: TransportGuardOptions): TransportGuard {
  const { admission, logger, metrics, packetsPerWindow, windowMs, authTimeoutMs } = options;
  const now = options.now ?? Date.now;
  const handshakes = new RateLimiterMemory({ points: options.handshakesPerMinute, duration: 60 });
  const warnRefused = createLogThrottle(logger, 'handshake refused');
  const warnClosed = createLogThrottle(logger, 'connection closed by the transport guard');
  const states = new WeakMap<EngineConnection, ConnState>();
  const preAuth = new Set<EngineConnection>();
  const headroom = Math.max(8, Math.ceil(options.maxConnections / 10));

  const refuse = (code: string, message: string, ip: string, callback: (message: string, success: boolean) => void): void => {
    metrics.handshakeRefusals.inc({ code });
    warnRefused({ code, ip });
    // Engine.IO answers 403 (polling) or 400 (WebSocket) with this text; the code leads it.
    callback(`${code}: ${message}`, false);
  };

  const closeConn = (conn: EngineConnection, reason: 'auth_timeout' | 'connect_refusals' | 'packet_flood', fields: Record<string, unknown> = {}): void => {
    if (conn.readyState === 'closed' || conn.readyState === 'closing') return;
    metrics.transportClosures.inc({ reason });
    warnClosed({ code: reason, ip: conn.remoteAddress, engineId: conn.id, ...fields });
    conn.close();
  };

  const leavePreAuth = (conn: EngineConnection): void => {
    if (preAuth.delete(conn)) metrics.preAuthSessions.set(preAuth.size);
    const state = states.get(conn);
    if (state?.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
  };

  return {
    allowRequest(req, callback) {
      const ip = clientAddress({ address: req.socket.remoteAddress ?? '', headers: req.headers }, options.trustProxyHops);
      if (options.maxConnections && options.sessions() >= options.maxConnections + headroom) {
        const refusal = admission.refusal() ?? { code: 'OVERLOADED', message: `this node is at its limit of ${options.maxConnections} connections` };
        return refuse(refusal.code, refusal.message, ip, callback);
      }
      handshakes.consume(ip).then(
        () => callback(null, true),
        (err: unknown) => {
          const retryInS = err instanceof RateLimiterRes ? Math.ceil(err.msBeforeNext / 1000) : 60;
          refuse('RATE_LIMITED', `Too many connection attempts from this address; retry in ${retryInS} s`, ip, callback);
        },
      );
    },

    attach(conn) {
      const state: ConnState = { windowStart: now(), packets: 0, bytes: 0, refusals: 0, connects: 0, timer: undefined };
      states.set(conn, state);
      preAuth.add(conn);
      metrics.preAuthSessions.set(preAuth.size);
      state.timer = setTimeout(() => {
        state.timer = undefined;
        if (preAuth.has(conn)) closeConn(conn, 'auth_timeout', { authTimeoutMs });
      }, authTimeoutMs);
      state.timer.unref();
      conn.on('packet', (packet) => {
        // Engine.IO's own packets (pong, upgrade probes) are the transport's; messages carry every Socket.IO packet.
        if (packet.type !== 'message') return;
        const t = now();
        if (t - state.windowStart >= windowMs) {
          state.windowStart = t;
          state.packets = 0;
          state.bytes = 0;
        }
        state.packets += 1;
        state.bytes += sizeOf(packet.data);
        if (state.packets > packetsPerWindow || state.bytes > options.packetBytesPerWindow) {
          closeConn(conn, 'packet_flood', { packets: state.packets, bytes: state.bytes, windowMs });
          return;
        }
        // A Socket.IO CONNECT (packet type 0) on a session that has not logged in yet.
        if (typeof packet.data === 'string' && packet.data.charCodeAt(0) === 48 && preAuth.has(conn) && ++state.connects > REFUSALS_BEFORE_CLOSE) {
          closeConn(conn, 'connect_refusals', { connects: state.connects });
        }
      });
      conn.on('close', () => leavePreAuth(conn));
    },

    authenticated(conn) {
      leavePreAuth(conn);
    },

    counted(middleware) {
      return (socket, next) =>
        middleware(socket, (err) => {
          if (err) {
            const conn = socket.conn as unknown as EngineConnection;
            const state = states.get(conn);
            const code = (err as { data?: { code?: unknown } }).data?.code;
            // A full or draining node will not take this connection however often it asks: it goes at once.
            const hopeless = code === 'OVERLOADED' || code === 'SERVER_DRAINING';
            if (state && (++state.refusals >= REFUSALS_BEFORE_CLOSE || hopeless)) {
              // After the CONNECT_ERROR has been written: the client hears why before the connection goes.
              setImmediate(() => closeConn(conn, 'connect_refusals', { refusals: state.refusals, code }));
            }
          }
          next(err);
        });
    },

    close() {
      warnRefused.close();
      warnClosed.close();
      for (const conn of preAuth) leavePreAuth(conn);
    },
  };
}
