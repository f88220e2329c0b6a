// Whether this node takes new connections: not while draining, and not above its load-shedding limits
// (connections, resident memory), so an overloaded node turns not-ready and refuses clearly before it falls
// over. Readiness (/readyz) and the Socket.IO middleware read the same state.
import type { ConnectErrorData } from '@leadlovers/protocol';

export interface AdmissionOptions {
  maxConnections: number;
  maxRssBytes: number;
  /** Sessions open on this node, logged in or not (a pre-auth session holds memory too). */
  connections(): number;
  /** Resident memory in bytes; sampled, not read on every handshake. */
  rss?: () => number;
  sampleIntervalMs?: number;
}

export interface Admission {
  /**
   * Why a new connection would be refused now, or null when it is welcome. `own`: sessions of the asker already
   * counted in connections() (1 for a CONNECT on an open session; 0 for a handshake, before the session exists).
   */
  refusal(own?: number): { code: ConnectErrorData['code']; message: string } | null;
  readonly draining: boolean;
  startDraining(): void;
  hasCapacity(): boolean;
  close(): void;
}

export function createAdmission(options: AdmissionOptions): Admission {
  const readRss = options.rss ?? (() => process.memoryUsage.rss());
  let rss = options.maxRssBytes ? readRss() : 0;
  const sampler = options.maxRssBytes
    ? setInterval(() => {
        rss = readRss();
      }, options.sampleIntervalMs ?? 1_000)
    : undefined;
  sampler?.unref();
  let draining = false;

  const overLimit = (own = 0): string | null => {
    if (options.maxConnections && options.connections() - own >= options.maxConnections) {
      return `this node is at its limit of ${options.maxConnections} connections`;
    }
    if (options.maxRssBytes && rss >= options.maxRssBytes) return 'this node is low on memory';
    return null;
  };

  return {
    refusal(own = 0) {
      if (draining) return { code: 'SERVER_DRAINING', message: 'This node is shutting down; reconnect (the load balancer sends you to another node)' };
      const reason = overLimit(own);
      return reason ? { code: 'OVERLOADED', message: `${reason}; retry shortly (another node may take you)` } : null;
    },
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
    hasCapacity: () => overLimit(0) === null,
    close() {
      clearInterval(sampler);
    },
  };
}
