// How the gateway reaches Redis, in each of its three topologies: one endpoint (REDIS_URL), a Redis Cluster through
// its seed nodes (REDIS_CLUSTER_NODES, ioredis `Cluster`) or a primary found through Sentinels (REDIS_SENTINELS +
// REDIS_SENTINEL_NAME). RedisClient is the one client type every store, script and limiter takes: both kinds run
// the same commands, scripts and MULTIs, and on a Cluster each of them touches keys of one slot (see redis-keys.ts).
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export type RedisClient = Redis | Cluster;

export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

export type RedisTopology =
  | { readonly kind: 'single'; readonly url: string }
  | { readonly kind: 'cluster'; readonly nodes: readonly RedisNodeAddress[] }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly RedisNodeAddress[]; readonly name: string; readonly sentinelPassword: string | undefined };

/** Where Redis is and how to authenticate: REDIS_PASSWORD and REDIS_TLS hold for every node of every topology. */
export interface RedisTarget {
  readonly topology: RedisTopology;
  readonly password: string | undefined;
  /** TLS to every Redis node (and to the Sentinels); a `rediss://` REDIS_URL turns it on by itself. */
  readonly tls: boolean;
}

/** The choices a connection makes on top of the target; the same in every topology. */
export interface RedisClientOptions {
  connectionName: string;
  /** false: commands fail at once while the connection (or the slot's node) is down, instead of queueing. */
  enableOfflineQueue: boolean;
  /** Single/Sentinel: retries of a command whose connection dropped (null: until it is sent). */
  maxRetriesPerRequest: number | null;
  /** Reconnect delay by attempt; null gives up. */
  retryStrategy: (attempt: number) => number | null;
  connectTimeoutMs?: number;
  /** Cluster: SSUBSCRIBE through one connection per master, routed by slot (ioredis shardedSubscribers). */
  shardedSubscriber?: boolean;
  /**
   * ioredis auto-pipelining: the commands issued in one event-loop turn go out as one write (per node), so under
   * load Redis reads many requests' scripts in one go. About halves Redis CPU per request (bench, redis section).
   */
  autoPipelining?: boolean;
}

export const formatNodes = (nodes: readonly RedisNodeAddress[]): string => nodes.map((n) => `${n.host}:${n.port}`).join(',');

// DNS labels (underscores too: Compose and Kubernetes service names may have them), or [IPv6].
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Parses a seed list `host:port,host:port` (IPv6 as `[::1]:6379`). Returns the first entry that is not a
 * host:port as `{ bad }`, so the caller can name its setting with it.
 */
export function parseSeedList(value: string): { nodes: RedisNodeAddress[] } | { bad: string } {
  const nodes: RedisNodeAddress[] = [];
  for (const entry of value.split(',').map((part) => part.trim())) {
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    const host = match?.[1] ?? '';
    const port = Number(match?.[2]);
    if (!HOST.test(host) || !(port >= 1 && port <= 65_535)) return { bad: entry };
    nodes.push({ host: host.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return { nodes };
}

/** For the start-up log and error messages; never shows a password. */
export function describeTopology(topology: RedisTopology): string {
  switch (topology.kind) {
    case 'single':
      return `one Redis at ${redactUrl(topology.url)} (REDIS_URL)`;
    case 'cluster':
      return `Redis Cluster via seed nodes ${formatNodes(topology.nodes)} (REDIS_CLUSTER_NODES)`;
    case 'sentinel':
      return `Redis Sentinel primary "${topology.name}" via ${formatNodes(topology.sentinels)} (REDIS_SENTINELS)`;
  }
}

/** A lazily connecting client for the target (call connect()). */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions): RedisClient {
  const common: RedisOptions = {
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    connectionName: options.connectionName,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
  };
  const { topology } = target;
  const own: RedisOptions = {
    ...common,
    enableOfflineQueue: options.enableOfflineQueue,
    retryStrategy: options.retryStrategy,
    lazyConnect: true,
    enableAutoPipelining: options.autoPipelining ?? false,
  };
  if (topology.kind === 'single') return new Redis(topology.url, own);
  if (topology.kind === 'sentinel') {
    return new Redis({
      ...own,
      sentinels: topology.sentinels.map(({ host, port }) => ({ host, port })),
      name: topology.name,
      ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
      // ioredis dials the primary over TLS only with enableTLSForSentinelMode, and the Sentinels with sentinelTLS.
      enableTLSForSentinelMode: target.tls,
      ...(target.tls ? { sentinelTLS: {} } : {}),
      // All Sentinels unreachable: keep asking them, on the same backoff as a lost connection.
      sentinelRetryStrategy: (attempt) => options.retryStrategy(attempt),
      // Learn of a failover from the Sentinels (+switch-master) instead of waiting for the old primary to time out.
      failoverDetector: true,
      // A demoted primary still answers, read-only: reconnect (Sentinel names the new primary) and resend.
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    });
  }
  // enableOfflineQueue is the Cluster's own: false rejects a command at once when its slot's node is not
  // connected. Per-node connections are never redialled (ioredis' choice); the slot map, refreshed on MOVED, on
  // errors and every 2 s, moves a dead master's slots to its promoted replica.
  return new Cluster(
    topology.nodes.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: true,
      enableOfflineQueue: options.enableOfflineQueue,
      clusterRetryStrategy: (attempt) => options.retryStrategy(attempt),
      shardedSubscribers: options.shardedSubscriber ?? false,
      enableAutoPipelining: options.autoPipelining ?? false,
      redisOptions: common,
      slotsRefreshTimeout: 2_000,
      slotsRefreshInterval: 2_000,
    },
  );
}

/**
 * The redis adapter and emitter call publish()/spublish() without catching: a rejection (Redis down, a shard
 * failing over) must be a log line, not an unhandled rejection.
 */
export function guardPublishes(client: RedisClient, logger: Logger): void {
  for (const method of ['publish', 'spublish'] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => Promise<number>;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      original(...args).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message, method }, 'redis publish failed');
        return 0;
      });
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(invalid url)';
  }
}

/** Reconnect delay by attempt: capped exponential backoff with jitter. */
export const reconnectBackoff = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 6), 5_000) + Math.floor(Math.random() * 100);

/**
 * Connects every client and waits until all are ready, at most `timeoutMs`; resolves with why not (undefined
 * once ready). `firstFailure`: give up at the first failed attempt (one REDIS_URL: it goes on without Redis at once
 * and keeps retrying); otherwise failed attempts are retried by the clients until the bound.
 */
export async function connectAll(clients: RedisClient[], timeoutMs: number, firstFailure = false): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let lastError = '';
  const ready = clients.map(
    (c) =>
      new Promise<void>((resolve, reject) => {
        c.once('ready', () => resolve());
        c.connect().catch((err: unknown) => {
          lastError = err instanceof Error ? err.message : String(err);
          if (firstFailure) reject(err);
        });
      }),
  );
  try {
    return await Promise.race([
      Promise.all(ready).then(
        () => undefined,
        () => lastError,
      ),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`not ready within ${timeoutMs} ms${lastError ? `; last error: ${lastError}` : ''}`), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One connection for a process that is not a gateway node (`pnpm kick`, the notify library): commands fail fast
 * while Redis is down, it reconnects on its own afterwards, and the first connection is bounded: past
 * `timeoutMs`, it is closed and this rejects with what it was trying to reach.
 */
export async function connectClient(target: RedisTarget, connectionName: string, timeoutMs = 5_000): Promise<RedisClient> {
  const client = createRedisClient(target, { connectionName, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: reconnectBackoff, connectTimeoutMs: timeoutMs });
  client.on('error', () => undefined); // connectAll reports the last one
  const failure = await connectAll([client], timeoutMs);
  if (failure === undefined) return client;
  client.disconnect();
  throw new Error(`${describeTopology(target.topology)}: ${failure}`);
}
