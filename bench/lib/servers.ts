// The servers under test, each a child process of the orchestrator: the floor (bench/servers/floor.ts, with or
// without its MCP child) and the gateway (bench/servers/gateway.ts, production settings with the limits that
// would throttle a load generator on loopback raised, see gatewayEnv).
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/config/node-flags.js';
import { forkTs, freePort, sampleTree, stop, withTimeout, type Forked, type TreeSample } from './procs.js';

export interface SettledSample extends TreeSample {
  heapUsed: number;
  /** Memory of C++ objects bound to JS ones (Buffers included). */
  external: number;
}

export interface ServerHandle {
  name: string;
  url: string;
  pid: number;
  proc: Forked;
  /** CPU and RSS of the server and its descendants (MCP children), read from /proc. */
  sample(): TreeSample;
  /** The same after a full GC in the server, for memory figures, with its JS heap figures. */
  settledSample(): Promise<SettledSample>;
  close(): Promise<void>;
}

async function start(name: string, file: URL, env: Record<string, string>): Promise<ServerHandle> {
  const port = await freePort();
  // BENCH_SERVER_LOGS=<dir>: keep each server's stdout (the gateway's JSON log) there, for debugging a run.
  const logDir = process.env.BENCH_SERVER_LOGS;
  let fd: number | undefined;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    fd = openSync(join(logDir, `${name.replace(/\W+/g, '-')}-${port}.log`), 'a');
  }
  // Both servers run with the gateway's production V8 flags: a runtime setting, not a feature, so the floor gets it too.
  const proc = forkTs(file, name, { ...env, PORT: String(port) }, fd, GATEWAY_NODE_FLAGS);
  if (fd !== undefined) closeSync(fd);
  try {
    await withTimeout(proc.remote.ready, 60_000, `${name} did not start within 60 s`);
  } catch (err) {
    await stop(proc.child, 1_000);
    throw err;
  }
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    proc,
    sample: () => sampleTree(proc.pid),
    async settledSample() {
      const usage = await proc.remote.call<NodeJS.MemoryUsage>('gc', {}, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { ...sampleTree(proc.pid), heapUsed: usage.heapUsed, external: usage.external };
    },
    async close() {
      await proc.remote.call('close', {}, 20_000).catch(() => undefined);
      await stop(proc.child, 5_000);
    },
  };
}

export function startFloor(dbPath: string, bare = false): Promise<ServerHandle> {
  return start(bare ? 'bare Socket.IO' : 'floor', new URL('../servers/floor.ts', import.meta.url), { BENCH_DB_PATH: dbPath, FLOOR_MODE: bare ? 'bare' : 'mcp' });
}

export interface GatewayOptions {
  dbPath: string;
  secret: string;
  /** MCP_POOL_SIZE; undefined: the gateway's default. */
  poolSize: number | undefined;
  logLevel: string;
  /** Shared state in this Redis (the node joins a cluster of one); none: in memory, as a single node. */
  redisUrl?: string;
  /** More settings on top of these (e.g. OTEL_EXPORTER_OTLP_ENDPOINT for the tracing section). */
  env?: Record<string, string>;
}

/**
 * Production mode (real HS256 auth, JSON logs at LOG_LEVEL) on the embedded store and the rules planner. Raised:
 * the per-IP handshake limit (every client comes from a handful of loopback addresses), the per-user prompt and
 * event rates (a closed loop is far faster than a person) and the MCP queue (5 000 clients wait at once); the
 * rest — validation, idempotency, mailbox, history, metrics, logs — runs as deployed.
 */
export function gatewayEnv(o: GatewayOptions): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DOMAIN_URL: 'http://localhost',
    API_SECRET: o.secret,
    LOG_LEVEL: o.logLevel,
    LOG_FORMAT: 'json',
    REDIS_URL: o.redisUrl ?? '',
    REDIS_KEY_PREFIX: '',
    REDIS_SHARDED: '',
    METRICS_PORT: '',
    MCP_SERVER_PATH: '',
    LEADLOVERS_API_TOKEN: '',
    LEADLOVERS_ACCOUNT_TOKENS: '',
    LEADLOVERS_ACCOUNT_TOKENS_FILE: '',
    ANTHROPIC_API_KEY: '',
    OPENAI_API_KEY: '',
    PLANNER: 'rules',
    ...(o.poolSize === undefined ? {} : { MCP_POOL_SIZE: String(o.poolSize) }),
    LEADLOVERS_DB_PATH: o.dbPath,
    CONNECT_ATTEMPTS_PER_MINUTE: '1000000',
    PROMPT_RATE_PER_MINUTE: '100000',
    EVENTS_PER_10S: '1000000',
    MCP_MAX_QUEUE: '100000',
    // Tracing off unless a section turns it on (a developer's own OTEL_* variables stay out of the bench).
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    ...o.env,
  };
}

export function startGateway(o: GatewayOptions, name = 'gateway'): Promise<ServerHandle> {
  return start(name, new URL('../servers/gateway.ts', import.meta.url), gatewayEnv(o));
}
