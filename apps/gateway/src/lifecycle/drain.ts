// Graceful drain (SIGTERM/SIGINT): turn not-ready and refuse new connections and requests at once, tell clients
// (server-draining), let requests in flight finish within a bound, then disconnect the remaining clients in
// batches so they reconnect elsewhere gradually rather than as one thundering herd.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Admission } from './admission.js';
import type { GatewayServer } from '../shared/socket.js';

export interface InFlightTracker {
  readonly count: number;
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves true when nothing is in flight, or false when timeoutMs passed first. */
  idle(timeoutMs: number): Promise<boolean>;
}

export function createInFlightTracker(): InFlightTracker {
  let count = 0;
  let waiters: Array<() => void> = [];
  return {
    get count() {
      return count;
    },
    async track(work) {
      count += 1;
      try {
        return await work;
      } finally {
        count -= 1;
        if (count === 0) for (const wake of waiters.splice(0)) wake();
      }
    },
    async idle(timeoutMs) {
      if (count === 0) return true;
      let wake: () => void = () => undefined;
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
          waiters.push(wake);
        }),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      waiters = waiters.filter((waiter) => waiter !== wake);
      return done;
    },
  };
}

export interface DrainOptions {
  timeoutMs: number;
  batchSize: number;
  batchIntervalMs: number;
}

export interface DrainReport {
  inFlightAtStart: number;
  unfinished: number;
  disconnected: number;
  durationMs: number;
}

export async function drainNode(
  deps: { io: GatewayServer; admission: Admission; inFlight: InFlightTracker; logger: Logger },
  options: DrainOptions,
): Promise<DrainReport> {
  const started = performance.now();
  const { io, admission, inFlight, logger } = deps;
  admission.startDraining();

  const sockets = [...io.of('/').sockets.values()];
  const batches = Math.ceil(sockets.length / options.batchSize);
  // The window over which this node will let its clients go: a client reconnects at a random moment in it.
  const reconnectInMs = Math.max(batches * options.batchIntervalMs, 1_000);
  io.local.emit('server-draining', { reconnectInMs });
  const inFlightAtStart = inFlight.count;
  logger.info({ sockets: sockets.length, inFlight: inFlightAtStart, timeoutMs: options.timeoutMs }, 'draining: not ready, waiting for requests in flight');

  const finished = await inFlight.idle(options.timeoutMs);
  if (!finished) logger.warn({ unfinished: inFlight.count }, 'drain timeout: disconnecting with requests still in flight (their responses stay in the mailbox)');

  let disconnected = 0;
  for (let i = 0; i < sockets.length; i += options.batchSize) {
    for (const socket of sockets.slice(i, i + options.batchSize)) {
      if (socket.connected) {
        socket.disconnect(true);
        disconnected += 1;
      }
    }
    if (i + options.batchSize < sockets.length) await sleep(options.batchIntervalMs);
  }
  // A disconnect is queued behind the socket's last packets (an answer, its ack); let the transports flush and
  // close before the caller tears the server down, which would drop what is still buffered.
  const flushDeadline = Date.now() + 2_000;
  while (io.engine.clientsCount > 0 && Date.now() < flushDeadline) await sleep(20);

  const report = { inFlightAtStart, unfinished: finished ? 0 : inFlight.count, disconnected, durationMs: Math.round(performance.now() - started) };
  logger.info(report, 'drained');
  return report;
}
