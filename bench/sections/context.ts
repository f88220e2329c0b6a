// What every section of `pnpm bench` gets: the settings of this run (full or --quick), the load generators,
// the servers shared by the load, spawn and profile sections, and a progress logger.
import type { ConnectParams, Target } from '../load/clients.js';
import type { LoadGenerators } from '../lib/loadgens.js';
import type { ServerHandle } from '../lib/servers.js';
import type { Row } from '../lib/suite.js';

export interface Settings {
  /** Client counts of the closed-loop levels; the ratio targets are judged at ratioLevels. */
  levels: number[];
  ratioLevels: number[];
  rounds: number;
  phaseMs: number;
  warmupMs: number;
  requestTimeoutMs: number;
  /** Bound on requests per client in one phase (the time bound normally ends it first). */
  maxPerClient: number;
  mcpDirectConcurrency: number;
  connectionSteps: number[];
  connectConcurrency: number;
  connectBudgetMs: number;
  spawnPrompts: number;
  singleClientMs: number;
  profileClients: number;
  profileMs: number;
  cluster: Record<string, string>;
  clusterTimeoutMs: number;
  redis: RedisSettings;
  loadGenerators: number;
  /** The gateway's MCP_POOL_SIZE; undefined: its own default, as deployed (BENCH_POOL_SIZE overrides). */
  poolSize: number | undefined;
  logLevel: string;
  sourceAddresses: string[];
}

/** The redis section: closed-loop clients per node, A/B rounds, the MONITOR window and the Redis Cluster drive. */
export interface RedisSettings {
  clients: number;
  rounds: number;
  /** Measured time of one phase (after the run's warmupMs): short phases, many rounds, so drifting load on a
   * shared machine hits both nodes alike. */
  phaseMs: number;
  monitorMs: number;
  /** Unmeasured phases per node before the measured rounds of the tracing section: a fresh node's first few thousand
   * requests run cold code (JIT), and short phases would otherwise compare one node's warm-up with the other's. */
  warmupRounds: number;
  /** Requests per user of the store-only drive (bench/lib/request-drive.ts), `clients` users at once. */
  storeRequestsPerUser: number;
  masters: number;
  spreadUsers: number;
  spreadRequestsPerUser: number;
  spreadConcurrency: number;
  spreadBudgetMs: number;
}

export const FULL: Settings = {
  levels: [100, 1000, 5000],
  ratioLevels: [100, 1000],
  rounds: 2,
  phaseMs: 5_000,
  warmupMs: 1_000,
  // Above the gateway's own 15 s MCP call timeout; with 5 000 closed-loop clients a request waits N ÷ throughput.
  requestTimeoutMs: 30_000,
  maxPerClient: 5_000,
  mcpDirectConcurrency: 32,
  connectionSteps: [5_000, 20_000],
  connectConcurrency: 200,
  connectBudgetMs: 120_000,
  spawnPrompts: 15,
  singleClientMs: 3_000,
  profileClients: 100,
  profileMs: 5_000,
  cluster: { BENCH_ROUNDS: '150', BENCH_SECONDS: '20', BENCH_CLIENTS: '50', BENCH_EVENTS: '1000' },
  clusterTimeoutMs: 150_000,
  redis: { clients: 100, rounds: 6, phaseMs: 3_000, monitorMs: 2_000, warmupRounds: 5, storeRequestsPerUser: 30, masters: 3, spreadUsers: 1_000, spreadRequestsPerUser: 4, spreadConcurrency: 50, spreadBudgetMs: 60_000 },
  loadGenerators: 4,
  poolSize: undefined,
  logLevel: 'info',
  sourceAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'],
};

/**
 * BENCH_LEVELS=100,1000 (debugging): other closed-loop levels; ratios are judged at all but the last.
 * BENCH_POOL_SIZE=1: the gateway's MCP_POOL_SIZE instead of its default.
 */
export function withEnvOverrides(settings: Settings, value = process.env.BENCH_LEVELS, poolSize = process.env.BENCH_POOL_SIZE): Settings {
  const levels = (value ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const pool = Number(poolSize);
  const withPool = Number.isInteger(pool) && pool > 0 ? { ...settings, poolSize: pool } : settings;
  if (!levels.length) return withPool;
  return { ...withPool, levels, ratioLevels: levels.length > 1 ? levels.slice(0, -1) : levels };
}

export const QUICK: Settings = {
  ...FULL,
  levels: [10, 50],
  ratioLevels: [50],
  rounds: 1,
  phaseMs: 2_000,
  warmupMs: 500,
  connectionSteps: [500, 1_000],
  connectBudgetMs: 30_000,
  spawnPrompts: 3,
  singleClientMs: 1_500,
  profileClients: 50,
  profileMs: 2_000,
  cluster: { BENCH_ROUNDS: '20', BENCH_SECONDS: '6', BENCH_CLIENTS: '10', BENCH_EVENTS: '200' },
  clusterTimeoutMs: 90_000,
  redis: { ...FULL.redis, rounds: 1, phaseMs: 2_000, monitorMs: 1_000, warmupRounds: 0, storeRequestsPerUser: 10, spreadRequestsPerUser: 2, spreadBudgetMs: 20_000 },
  loadGenerators: 2,
};

export interface Context {
  settings: Settings;
  quick: boolean;
  gens: LoadGenerators;
  secret: string;
  dbPath: string;
  startedAt: string;
  /** The floor (with its warm MCP client) and the gateway, started once for the load, spawn and profile sections. */
  servers(): Promise<{ floor: ServerHandle; gateway: ServerHandle }>;
  log(line: string): void;
}

/** One connect phase's outcome, as the sections record it per target. */
export interface ConnectStats {
  connected: number;
  failed: number;
  perSecond: number;
  errors: Record<string, number>;
}

/** Connect parameters every section shares: users `<userPrefix><i>`, 10 per account `<accountPrefix><j>`. */
export function connectSpec(ctx: Context, target: Target, url: string, userPrefix: string, accountPrefix: string): Omit<ConnectParams, 'first' | 'count'> {
  const s = ctx.settings;
  return {
    target,
    url,
    userPrefix,
    accountPrefix,
    usersPerAccount: 10,
    secret: ctx.secret,
    sourceAddresses: s.sourceAddresses,
    concurrency: s.connectConcurrency,
    timeoutMs: s.requestTimeoutMs,
    budgetMs: s.connectBudgetMs,
  };
}

export interface SectionResult {
  rows: Row[];
  data: unknown;
  /** Printed after the table (the profile's hot spots). */
  text?: string;
}

export const median = (xs: readonly number[]): number => {
  const sorted = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export const round1 = (x: number): number => Math.round(x * 10) / 10;
export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
