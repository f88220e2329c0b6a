// Socket.IO middleware that admits a connection only with a valid JWT (and an allowed Origin). Failures reach
// the client as connect_error with err.data.code; every outcome is logged without the token itself. Also the
// Engine.IO guard refusing long-polling from foreign origins at the HTTP level.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { ConnectErrorData } from '@leadlovers/protocol';
import { toGatewayError } from '../shared/errors.js';
import { createLogThrottle } from '../shared/log-throttle.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { GatewaySocket } from '../shared/socket.js';
import { extractToken } from './extract-token.js';
import type { OriginPolicy } from './origins.js';
import type { TokenVerifier } from './verifier.js';

export interface AuthMiddlewareOptions {
  verifier: TokenVerifier;
  origins: OriginPolicy;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'authFailures'>;
}

export function connectError(code: ConnectErrorData['code'], message: string): Error & { data: ConnectErrorData } {
  return Object.assign(new Error(message), { data: { code } });
}

export function createAuthMiddleware({ verifier, origins, logger, metrics }: AuthMiddlewareOptions) {
  // Refusals are what a flood repeats: one line per interval, the rest counted in it (and all in the metric).
  const warn = createLogThrottle(logger, 'auth failed');
  return async (socket: GatewaySocket, next: (err?: Error) => void): Promise<void> => {
    const { headers, address } = socket.handshake;
    // The bindings in each line rather than a child logger per handshake: this runs for every connection.
    const at = { socketId: socket.id, ip: address };
    if (!origins.allows(headers.origin, headers.host)) {
      warn({ ...at, origin: headers.origin, code: 'ORIGIN_FORBIDDEN' });
      metrics.authFailures.inc({ code: 'ORIGIN_FORBIDDEN' });
      return next(connectError('ORIGIN_FORBIDDEN', 'Origin not allowed'));
    }
    const found = extractToken(socket.handshake);
    if (!found) {
      warn({ ...at, code: 'TOKEN_MISSING' });
      metrics.authFailures.inc({ code: 'TOKEN_MISSING' });
      return next(connectError('TOKEN_MISSING', 'Authentication token missing: send it in auth.token, an Authorization: Bearer header or ?token='));
    }
    try {
      const { user, expiresAt } = await verifier.verify(found.token);
      socket.data.user = user;
      socket.data.tokenExpiresAt = expiresAt;
      socket.data.connectedAt = Date.now();
      // Verified: the socket has no further use for the token. Not kept for the connection's life (memory, and
      // handshakes travel to other nodes in fetchSockets answers).
      if (found.source === 'auth') delete (socket.handshake.auth as Record<string, unknown>).token;
      logger.info({ ...at, userId: user.id, account: user.account, source: found.source }, 'auth succeeded');
      next();
    } catch (err) {
      const error = toGatewayError(err);
      const code = error.code === 'TOKEN_EXPIRED' || error.code === 'TOKEN_REVOKED' ? error.code : 'TOKEN_INVALID';
      warn({ ...at, code, source: found.source, reason: error.message });
      metrics.authFailures.inc({ code });
      next(connectError(code, error.message));
    }
  };
}

type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: Error) => void) => void;

/**
 * Engine.IO middleware refusing HTTP long-polling requests (the handshake and every poll) from a foreign Origin
 * with 403 ORIGIN_FORBIDDEN, before an Engine.IO session is allocated for them. The Socket.IO middleware above
 * only runs after that handshake, and a browser on a foreign origin could not read its coded refusal anyway
 * (no Access-Control-Allow-Origin). WebSocket upgrades pass here: browsers apply no CORS to them, so they are
 * refused by the Socket.IO middleware, where the client gets connect_error with data.code.
 */
export function createPollingOriginGuard({ origins, logger, metrics }: Omit<AuthMiddlewareOptions, 'verifier'>): EngineMiddleware {
  const warn = createLogThrottle(logger, 'auth failed');
  return (req, res, next) => {
    const { origin, host } = req.headers;
    // Engine.IO hands upgrades a stand-in response object; a real ServerResponse means HTTP polling, whatever an
    // Upgrade header on it may claim (Node only treats a request as an upgrade with Connection: upgrade too).
    if (!(res instanceof ServerResponse) || origins.allows(origin, host)) return next();
    warn({ origin, ip: req.socket.remoteAddress, code: 'ORIGIN_FORBIDDEN', transport: 'polling' });
    metrics.authFailures.inc({ code: 'ORIGIN_FORBIDDEN' });
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'ORIGIN_FORBIDDEN', message: 'Origin not allowed' }));
  };
}
