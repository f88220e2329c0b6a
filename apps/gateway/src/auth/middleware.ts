// Socket.IO middleware that admits a connection only with a valid JWT (and an allowed Origin). Failures reach
// the client as connect_error with err.data.code; every outcome is logged without the token itself.
import type { Logger } from 'pino';
import type { ConnectErrorData } from '@leadlovers/protocol';
import { toGatewayError } from '../errors.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewaySocket } from '../socket/types.js';
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
  return async (socket: GatewaySocket, next: (err?: Error) => void): Promise<void> => {
    const { headers, address } = socket.handshake;
    const log = logger.child({ socketId: socket.id, ip: address });
    if (!origins.allows(headers.origin, headers.host)) {
      log.warn({ origin: headers.origin, code: 'ORIGIN_FORBIDDEN' }, 'auth failed');
      metrics.authFailures.inc({ code: 'ORIGIN_FORBIDDEN' });
      return next(connectError('ORIGIN_FORBIDDEN', 'Origin not allowed'));
    }
    const found = extractToken(socket.handshake);
    if (!found) {
      log.warn({ code: 'TOKEN_MISSING' }, 'auth failed');
      metrics.authFailures.inc({ code: 'TOKEN_MISSING' });
      return next(connectError('TOKEN_MISSING', 'Authentication token missing: send it in auth.token, an Authorization: Bearer header or ?token='));
    }
    try {
      const { user, expiresAt } = await verifier.verify(found.token);
      socket.data.user = user;
      socket.data.tokenExpiresAt = expiresAt;
      socket.data.connectedAt = Date.now();
      log.info({ userId: user.id, account: user.account, source: found.source }, 'auth succeeded');
      next();
    } catch (err) {
      const error = toGatewayError(err);
      const code = error.code === 'TOKEN_EXPIRED' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID';
      log.warn({ code, source: found.source, reason: error.message }, 'auth failed');
      metrics.authFailures.inc({ code });
      next(connectError(code, error.message));
    }
  };
}
