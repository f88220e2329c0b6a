// Per-socket rate limit on every incoming event, known or not (a Socket.IO socket.use middleware). Over the limit
// the client gets one `error` RATE_LIMITED per window and further events are dropped, each one sent with an ack
// getting that ack answered RATE_LIMITED (refusals.ts); a socket over the limit in `abuseWindows` windows, or
// flooding past 10× the limit in one window, is disconnected.
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { GatewaySocket } from '../shared/socket.js';
import { answerRefusal, eventName } from './refusals.js';

export interface EventLimitOptions {
  /** Events allowed per window. */
  limit: number;
  windowMs: number;
  /** Windows over the limit (not necessarily consecutive) before the socket is cut off. */
  abuseWindows: number;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'rateLimited'>;
  now?: () => number;
}

/** Built once per gateway; the function it returns attaches the limit to one socket. */
export function createEventLimit(options: EventLimitOptions): (socket: GatewaySocket) => void {
  const { limit, windowMs, abuseWindows, logger, metrics } = options;
  const now = options.now ?? Date.now;
  // Only the counters live per socket: the options stay in this shared scope, out of every socket's closure.
  return attach;

  function attach(socket: GatewaySocket): void {
    let windowStart = now();
    let count = 0;
    let abusive = 0;
    let cut = false;

    socket.use((packet, next) => {
      if (cut) return;
      const t = now();
      if (t - windowStart >= windowMs) {
        windowStart = t;
        count = 0;
      }
      count += 1;
      if (count <= limit) return next();
      metrics.rateLimited.inc();
      const message = `More than ${limit} events in ${windowMs / 1000} s; events are dropped until the window passes`;
      if (count === limit + 1) {
        abusive += 1;
        socket.emit('error', { code: 'RATE_LIMITED', message, event: eventName(packet[0]) });
      }
      // Past 10× the limit the socket is cut below: answering acks then would only feed the flood.
      if (count <= limit * 10) answerRefusal(packet, 'RATE_LIMITED', message);
      if (abusive >= abuseWindows || count > limit * 10) {
        cut = true;
        logger.warn({ socketId: socket.id, userId: socket.data.user?.id, abusive, count }, 'event flood: disconnecting socket');
        socket.disconnect(true);
      }
    });
  }
}
