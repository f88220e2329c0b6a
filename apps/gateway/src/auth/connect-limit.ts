// Socket.IO middleware limiting handshake attempts per client IP (token brute force, reconnect storms), run before
// any JWT verification. Behind proxies the socket address is the nearest proxy's: with trustProxyHops = N the
// client is the Nth X-Forwarded-For entry from the right (entries further left are client-supplied and spoofable).
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { GatewaySocket } from '../shared/socket.js';
import { createLogThrottle } from '../shared/log-throttle.js';
import { connectError } from './middleware.js';

export interface ConnectLimitOptions {
  attemptsPerMinute: number;
  /** Proxies in front of the gateway that append to X-Forwarded-For (0: use the socket address). */
  trustProxyHops: number;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'authFailures'>;
}

/** The client address of a handshake: its socket address, or the X-Forwarded-For entry added by the outermost trusted proxy. */
export function clientAddress(handshake: Pick<GatewaySocket['handshake'], 'address' | 'headers'>, trustProxyHops: number): string {
  if (trustProxyHops > 0) {
    const header = handshake.headers['x-forwarded-for'];
    const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const entry = entries[entries.length - trustProxyHops];
    if (entry) return entry.slice(0, 64);
  }
  return handshake.address;
}

export function createConnectLimit({ attemptsPerMinute, trustProxyHops, logger, metrics }: ConnectLimitOptions) {
  const limiter = new RateLimiterMemory({ points: attemptsPerMinute, duration: 60 });
  const warn = createLogThrottle(logger, 'auth failed');
  return async (socket: GatewaySocket, next: (err?: Error) => void): Promise<void> => {
    const ip = clientAddress(socket.handshake, trustProxyHops);
    try {
      await limiter.consume(ip);
      next();
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) return next(err instanceof Error ? err : new Error(String(err)));
      const retryInS = Math.ceil(err.msBeforeNext / 1000);
      warn({ ip, code: 'RATE_LIMITED', retryInS });
      metrics.authFailures.inc({ code: 'RATE_LIMITED' });
      next(connectError('RATE_LIMITED', `Too many connection attempts from this address; retry in ${retryInS} s`));
    }
  };
}
