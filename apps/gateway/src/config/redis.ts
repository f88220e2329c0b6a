// The Redis part of the configuration: which topology (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, one at
// most), its seed list parsed and checked here so a typo stops start-up with the variable's name, and the
// settings every topology shares (REDIS_PASSWORD, REDIS_TLS, REDIS_KEY_PREFIX, REDIS_SHARDED).
import { z } from 'zod';
import { parseSeedList, type RedisNodeAddress, type RedisTarget, type RedisTopology } from '../shared/redis.js';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

const flag = z.enum(['true', 'false', '1', '0', '']).optional();
const isOn = (value: string | undefined): boolean => value === 'true' || value === '1';

/** A seed list (`host:port,…`); a malformed entry is named in the error with its variable. */
const seedList = z
  .string()
  .optional()
  .transform((value, ctx): RedisNodeAddress[] | undefined => {
    if (value === undefined || value.trim() === '') return undefined;
    const parsed = parseSeedList(value);
    if ('nodes' in parsed) return parsed.nodes;
    ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of host:port (bad entry ${JSON.stringify(parsed.bad)})` });
    return z.NEVER;
  });

export const redisEnv = {
  REDIS_URL: optionalString.pipe(z.url().optional()),
  REDIS_CLUSTER_NODES: seedList,
  REDIS_SENTINELS: seedList,
  REDIS_SENTINEL_NAME: optionalString.pipe(z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1..128 letters, digits, . _ -').optional()),
  REDIS_SENTINEL_PASSWORD: optionalString,
  REDIS_PASSWORD: optionalString,
  REDIS_TLS: flag,
  REDIS_KEY_PREFIX: z.string().max(64).regex(/^[A-Za-z0-9:._-]*$/, 'may contain only letters, digits and : . _ -').default(''),
  REDIS_SHARDED: flag,
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(100),
};

type RedisEnv = z.output<z.ZodObject<typeof redisEnv>>;

export interface RedisConfig extends RedisTarget {
  /** Prefix of every key this gateway writes (the session key's documented name assumes ''). */
  readonly keyPrefix: string;
  /** Redis 7 sharded pub/sub (createShardedAdapter): always with a Redis Cluster, REDIS_SHARDED=true otherwise. */
  readonly sharded: boolean;
  /**
   * Replicas that must have a request's completion (its response) before the client hears of it: WAIT in the
   * completion's round trip, bounded by waitTimeoutMs (0: Redis' asynchronous replication alone).
   */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
}

/** The cross-variable rules, for the schema's superRefine. */
export function checkRedisEnv(env: RedisEnv, ctx: z.RefinementCtx): void {
  const set = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((name) => env[name] !== undefined);
  if (set.length > 1) {
    // Named on a seed list, never on REDIS_URL: its value (which may hold a password) is not echoed.
    ctx.addIssue({
      code: 'custom',
      path: [set[set.length - 1] as string],
      message: `REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS are mutually exclusive: set one (${set.join(' and ')} are set)`,
    });
  }
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name the Sentinels monitor the primary under' });
  }
  for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
    if (env[name] && !env.REDIS_SENTINELS) ctx.addIssue({ code: 'custom', path: [name], message: 'is only used with REDIS_SENTINELS, which is not set' });
  }
  if (env.REDIS_CLUSTER_NODES && env.REDIS_SHARDED !== undefined && env.REDIS_SHARDED !== '' && !isOn(env.REDIS_SHARDED)) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SHARDED'], message: 'a Redis Cluster (REDIS_CLUSTER_NODES) always uses sharded pub/sub: remove REDIS_SHARDED=false' });
  }
}

export function redisConfig(env: RedisEnv): RedisConfig | undefined {
  let topology: RedisTopology;
  if (env.REDIS_URL) topology = { kind: 'single', url: env.REDIS_URL };
  else if (env.REDIS_CLUSTER_NODES) topology = { kind: 'cluster', nodes: env.REDIS_CLUSTER_NODES };
  else if (env.REDIS_SENTINELS && env.REDIS_SENTINEL_NAME) {
    topology = { kind: 'sentinel', sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_NAME, sentinelPassword: env.REDIS_SENTINEL_PASSWORD };
  } else return undefined;
  return {
    topology,
    password: env.REDIS_PASSWORD,
    tls: isOn(env.REDIS_TLS) || (topology.kind === 'single' && topology.url.startsWith('rediss:')),
    keyPrefix: env.REDIS_KEY_PREFIX,
    sharded: topology.kind === 'cluster' || isOn(env.REDIS_SHARDED),
    waitReplicas: env.REDIS_WAIT_REPLICAS,
    waitTimeoutMs: env.REDIS_WAIT_TIMEOUT_MS,
  };
}
