// The gateway's configuration: the only module that reads process.env. One zod schema, validated once at
// start-up; a bad value stops start-up with a message naming the variable. The result is frozen and typed.
import { hostname } from 'node:os';
import { z } from 'zod';
import { otlpProtocol, otlpProtocolOf, type OtlpProtocol } from '@leadlovers/mcp-server/config';
import { weakSecretReason } from './secret-strength.js';
import { readLeadLoversSettings, type ConfigIssue, type LeadLoversSettings } from './leadlovers.js';
import { checkRedisEnv, redisConfig, redisEnv, type RedisConfig } from './redis.js';

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  );

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

const optionalUrl = optionalString.pipe(z.url().optional());

function int(defaultValue: number, min: number, max: number) {
  return z.coerce.number().int().min(min).max(max).default(defaultValue);
}

/**
 * MCP_POOL_INLINE=auto runs the children's MCP clients on the main thread up to this many children. A worker
 * thread per child costs a structured clone and a cross-thread wake-up each way per batch: on the 2 cores of the
 * deployment (deploy/k8s: 2 CPUs, 2 children) that is more CPU per prompt than the JSON it takes off the event
 * loop (README "Performance"). Larger pools are sized for machines with cores to spare, where the threads pay.
 * A fixed count rather than the CPU count: inside a container os.availableParallelism() sees the host's cores,
 * not the CPU limit.
 */
export const INLINE_MAX_POOL_SIZE = 2;

function inlinePool(setting: string, poolSize: number): boolean {
  if (setting === 'auto' || setting === '') return poolSize <= INLINE_MAX_POOL_SIZE;
  return setting === 'true' || setting === '1';
}

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(4444, 0, 65_535),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_URL: optionalUrl,
    DOMAIN_URL: csv.pipe(z.array(z.url({ message: 'must be a comma-separated list of origins (https://host[:port])' }))),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    ...redisEnv,
    NODE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1..64 letters, digits, . _ -').optional(),
    CLUSTER_REQUEST_TIMEOUT_MS: int(2_000, 100, 60_000),
    SESSION_TTL_S: int(3_600, 5, 86_400),
    DRAIN_TIMEOUT_MS: int(15_000, 0, 600_000),
    DRAIN_BATCH_SIZE: int(200, 1, 100_000),
    DRAIN_BATCH_INTERVAL_MS: int(250, 0, 60_000),
    MAX_CONNECTIONS: int(0, 0, 10_000_000),
    MAX_RSS_MB: int(0, 0, 1_048_576),
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

    API_SECRET: optionalString,
    JWKS_URL: optionalUrl,
    SSO_API_URL: optionalUrl,
    JWT_ISSUER: optionalString,
    JWT_AUDIENCE: optionalString,
    JWT_CLOCK_TOLERANCE_S: int(5, 0, 300),
    JWT_REQUIRE_EXP: z
      .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v !== 'false' && v !== '0'),
    JWT_MAX_TTL_S: optionalString.pipe(z.coerce.number<string>().int().min(1).max(31_536_000).optional()),
    REVOCATION_TTL_S: int(86_400, 60, 366 * 86_400),

    MCP_SERVER_PATH: optionalString,
    MCP_POOL_SIZE: int(2, 1, 64),
    MCP_POOL_INLINE: z.enum(['auto', 'true', 'false', '1', '0', '']).default('auto'),
    MCP_CALL_TIMEOUT_MS: int(15_000, 100, 600_000),
    MCP_MAX_QUEUE: int(1_000, 1, 1_000_000),
    MCP_CONCURRENCY_PER_WORKER: int(32, 1, 1_024),
    MCP_START_TIMEOUT_MS: int(20_000, 1_000, 300_000),
    EMBEDDED_LATENCY_MS: int(0, 0, 60_000),
    // LEADLOVERS_*: the MCP children's own variables, checked with their own schema (leadlovers.ts).
    ANTHROPIC_API_KEY: optionalString,
    OPENAI_API_KEY: optionalString,
    PLANNER: z.enum(['rules', 'anthropic', 'openai']).optional(),
    ANTHROPIC_BASE_URL: optionalUrl,
    OPENAI_BASE_URL: optionalUrl,
    ANTHROPIC_MODEL: z.string().trim().min(1).default('claude-sonnet-4-6'),
    OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
    LLM_MAX_TURNS: int(4, 1, 20),
    LLM_MAX_TOKENS: int(1_024, 16, 64_000),
    LLM_TIMEOUT_MS: int(30_000, 100, 600_000),
    CONVERSATION_MAX_MESSAGES: int(20, 2, 1_000),

    PROMPT_RATE_PER_MINUTE: int(60, 1, 100_000),
    PROMPT_MAX_IN_FLIGHT: int(4, 1, 1_000),
    MAX_MESSAGE_BYTES: int(32_768, 1_024, 10_485_760),
    HISTORY_LIMIT: int(100, 1, 10_000),
    HISTORY_MEMORY_MB: int(256, 1, 1_048_576),
    MAILBOX_TTL_S: int(86_400, 60, 30 * 86_400),
    MAILBOX_MAX_PER_USER: int(100, 1, 10_000),
    IDEMPOTENCY_TTL_S: int(86_400, 60, 30 * 86_400),
    PING_INTERVAL_MS: int(25_000, 1_000, 300_000),
    PING_TIMEOUT_MS: int(20_000, 1_000, 300_000),

    CONNECT_ATTEMPTS_PER_MINUTE: int(120, 1, 1_000_000),
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d{1,2}|)$/, 'must be true, false or a number of proxy hops')
      .default('false')
      .transform((v) => (v === 'true' ? 1 : v === 'false' || v === '' ? 0 : Number(v))),
    EVENTS_PER_10S: int(100, 1, 1_000_000),
    EVENT_RATE_WINDOW_MS: int(10_000, 100, 600_000),
    EVENT_ABUSE_WINDOWS: int(5, 1, 1_000),
    /** Inbound Socket.IO packets of any kind (events, acks, CONNECTs, binary attachments) per connection per event window; 0: 20 × EVENTS_PER_10S. */
    PACKETS_PER_WINDOW: int(0, 0, 100_000_000),
    /** Inbound bytes per connection per event window; 0: EVENTS_PER_10S × MAX_MESSAGE_BYTES (what a client within the event limit can send). */
    PACKET_BYTES_PER_WINDOW: int(0, 0, 1_000_000_000_000),
    AUTH_TIMEOUT_MS: int(5_000, 100, 120_000),
    HTTP_HEADERS_TIMEOUT_MS: int(10_000, 100, 600_000),
    HTTP_REQUEST_TIMEOUT_MS: int(30_000, 100, 3_600_000),

    WEBHOOK_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    WEBHOOK_MAX_BODY_BYTES: int(16_384, 256, 1_048_576),
    WEBHOOK_REPLAY_WINDOW_S: int(86_400, 1, 30 * 86_400),

    METRICS_PORT: optionalString.pipe(z.coerce.number<string>().int().min(0).max(65_535).optional()),
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    ADMIN_TOKEN: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    ADMIN_MAX_BODY_BYTES: int(65_536, 256, 10_485_760),

    // OpenTelemetry: the standard variables (traces only; OTLP/HTTP, protobuf unless http/json is asked for).
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
    OTEL_EXPORTER_OTLP_HEADERS: optionalString.pipe(
      z
        .string()
        .regex(/^[^=,\s]+=[^,]*(,[^=,\s]+=[^,]*)*$/, 'must be key=value pairs separated by commas')
        .optional(),
    ),
    OTEL_SERVICE_NAME: z.string().trim().min(1).default('leadlovers-gateway'),
    OTEL_BSP_SCHEDULE_DELAY: int(5_000, 10, 600_000),
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none', '']).default('otlp'),
    OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
    OTEL_TRACES_SAMPLER: z
      .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio', ''])
      .transform((name) => name || 'parentbased_always_on')
      .default('parentbased_always_on'),
    // The ratio of the *traceidratio samplers (the spec's default: 1).
    OTEL_TRACES_SAMPLER_ARG: optionalString.pipe(z.coerce.number<string>().min(0).max(1).optional()),
  })
  .superRefine((env, ctx) => {
    checkRedisEnv(env, ctx);
    if (env.PLANNER === 'anthropic' && !env.ANTHROPIC_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['ANTHROPIC_API_KEY'], message: 'PLANNER=anthropic needs ANTHROPIC_API_KEY' });
    }
    if (env.PLANNER === 'openai' && !env.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'PLANNER=openai needs OPENAI_API_KEY' });
    }
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS' });
    }
    if (env.ADMIN_TOKEN && env.METRICS_PORT === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'the admin API is served on METRICS_PORT only (never on the public port): set METRICS_PORT' });
    }
    if (env.NODE_ENV !== 'production') return;
    if (!env.API_SECRET && !env.JWKS_URL && !env.SSO_API_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_SECRET'],
        message: 'production needs real auth: set API_SECRET, JWKS_URL or SSO_API_URL',
      });
    }
    if (env.API_SECRET && env.API_SECRET.length < 32) {
      ctx.addIssue({ code: 'custom', path: ['API_SECRET'], message: 'must be at least 32 characters in production' });
    }
    // Secrets anyone could guess or copy from the docs: refused in production, naming the variable.
    for (const [name, value, minBits] of [
      ['API_SECRET', env.API_SECRET, 96],
      ['WEBHOOK_SECRET', env.WEBHOOK_SECRET, 96],
      ['METRICS_TOKEN', env.METRICS_TOKEN, 64],
    ] as const) {
      const weak = value ? weakSecretReason(value, minBits) : undefined;
      if (weak) ctx.addIssue({ code: 'custom', path: [name], message: `${weak} (refused in production)` });
    }
    if (env.DOMAIN_URL.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['DOMAIN_URL'], message: 'production needs an explicit CORS origin list' });
    }
  });

export type Env = z.output<typeof EnvSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string | undefined;
  readonly corsOrigins: readonly string[];
  readonly logLevel: Env['LOG_LEVEL'];
  /** This node's name in logs, /healthz and presence (default: hostname-pid). */
  readonly nodeId: string;
  /** One Redis, a Redis Cluster or a Sentinel-managed primary; absent: a single node with everything in memory. */
  readonly redis: RedisConfig | undefined;
  /** Bound on cluster-wide requests (fetchSockets, serverSideEmit with ack). */
  readonly clusterRequestTimeoutMs: number;
  /** TTL of a user's session key; refreshed every third of it while the socket lives. */
  readonly sessionTtlS: number;
  /** Graceful drain on SIGTERM: how long in-flight requests may finish, then disconnect batches. */
  readonly drain: { readonly timeoutMs: number; readonly batchSize: number; readonly batchIntervalMs: number };
  /** Load shedding: above these (0 = no limit) the node turns not-ready and refuses new connections. */
  readonly shedding: { readonly maxConnections: number; readonly maxRssBytes: number };
  readonly logFormat: 'json' | 'pretty';
  readonly auth: {
    readonly secret: string | undefined;
    readonly jwksUrl: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
    readonly clockToleranceS: number;
    /** Tokens without exp are refused unless JWT_REQUIRE_EXP=false. */
    readonly requireExp: boolean;
    /** JWT_MAX_TTL_S: longest exp - iat accepted; undefined = no bound. */
    readonly maxTtlS: number | undefined;
    /** How long a revocation mark lasts: the longest lifetime of a token the SSO issues (REVOCATION_TTL_S). */
    readonly revocationTtlS: number;
  };
  readonly mcp: {
    readonly serverPath: string | undefined;
    readonly poolSize: number;
    /** The pool's workers run on the main thread rather than a thread each (MCP_POOL_INLINE; auto: see inlinePool). */
    readonly inline: boolean;
    readonly callTimeoutMs: number;
    readonly maxQueue: number;
    readonly concurrencyPerWorker: number;
    readonly startTimeoutMs: number;
    /** Latency the embedded store adds to each call, to model the real API (load and fault tests). */
    readonly embeddedLatencyMs: number;
  };
  readonly leadlovers: LeadLoversSettings;
  readonly llm: {
    readonly planner: 'rules' | 'anthropic' | 'openai' | undefined;
    readonly anthropicKey: string | undefined;
    readonly openaiKey: string | undefined;
    readonly anthropicBaseUrl: string | undefined;
    readonly openaiBaseUrl: string | undefined;
    readonly anthropicModel: string;
    readonly openaiModel: string;
    /** Bound on model turns (each may call tools) per prompt. */
    readonly maxTurns: number;
    readonly maxTokens: number;
    /** Bound on each model turn, streaming included; past it the prompt falls back to the rules planner. */
    readonly timeoutMs: number;
    /** Messages kept per conversation (send-prompt's conversationId), oldest dropped first. */
    readonly conversationMaxMessages: number;
  };
  readonly limits: {
    readonly promptRatePerMinute: number;
    readonly promptMaxInFlight: number;
    readonly maxMessageBytes: number;
    readonly historyLimit: number;
    /** Bound on the in-memory history of a node without Redis, all users together. */
    readonly historyMemoryBytes: number;
    readonly mailboxTtlS: number;
    readonly mailboxMaxPerUser: number;
    readonly idempotencyTtlS: number;
    readonly pingIntervalMs: number;
    readonly pingTimeoutMs: number;
  };
  /** Abuse limits (see README "Security"). */
  readonly abuse: {
    /** Handshake attempts per client IP per minute, before JWT verification. */
    readonly connectAttemptsPerMinute: number;
    /** Proxies that append to X-Forwarded-For (TRUST_PROXY: true = 1); the client IP is that many entries from the right. */
    readonly trustProxyHops: number;
    /** Events per socket per window (EVENTS_PER_10S; the window is EVENT_RATE_WINDOW_MS, 10 s by default). */
    readonly eventsPerWindow: number;
    readonly eventWindowMs: number;
    /** Windows over the event limit before the socket is disconnected. */
    readonly eventAbuseWindows: number;
    /** Inbound packets of every kind, and their bytes, per connection per event window; past either the connection is closed. */
    readonly packetsPerWindow: number;
    readonly packetBytesPerWindow: number;
    /** An Engine.IO session that has not completed a Socket.IO CONNECT within this is closed. */
    readonly authTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
  };
  readonly metrics: {
    /** Serve /metrics on this port instead of PORT (0: any free port, for tests). */
    readonly port: number | undefined;
    /** When set, /metrics needs `Authorization: Bearer <token>`. */
    readonly token: string | undefined;
  };
  /** OpenTelemetry traces (tracing/); undefined (off) without an OTLP endpoint or with OTEL_TRACES_EXPORTER=none. */
  readonly tracing:
    | {
        /** Where spans are POSTed: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
        readonly tracesUrl: string;
        readonly headers: Readonly<Record<string, string>>;
        readonly serviceName: string;
        /** The MCP server children's service name. */
        readonly childServiceName: string;
        readonly instanceId: string;
        readonly scheduleDelayMs: number;
        /** otlpProtocolOf: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf. */
        readonly protocol: OtlpProtocol;
        /** OTEL_TRACES_SAMPLER and its OTEL_TRACES_SAMPLER_ARG ratio (default: parentbased_always_on, 1). */
        readonly sampler: { readonly name: Env['OTEL_TRACES_SAMPLER']; readonly ratio: number };
      }
    | undefined;
  /** The admin HTTP API on METRICS_PORT (admin/routes.ts); off without a token. */
  readonly admin: {
    readonly token: string | undefined;
    readonly maxBodyBytes: number;
  };
  readonly webhooks: {
    /** WEBHOOK_SECRET: per-account webhook secrets are derived from it; unset disables POST /webhooks/leadlovers. */
    readonly secret: string | undefined;
    readonly maxBodyBytes: number;
    /** A lead Id seen again within this window is not published again. */
    readonly replayWindowS: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment (default: process.env). Throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  const leadlovers = readLeadLoversSettings(source);
  if (!parsed.success || !leadlovers.ok) {
    const issues: ConfigIssue[] = parsed.success ? [] : parsed.error.issues.map((issue) => ({ variable: issue.path.join('.') || '(environment)', message: issue.message }));
    if (!leadlovers.ok) issues.push(...leadlovers.issues);
    const lines = issues.map(({ variable, message }) => {
      const value = source[variable];
      const shown = value === undefined || /SECRET|TOKEN|KEY|PASSWORD|HEADERS/.test(variable) ? '' : ` (got ${JSON.stringify(value)})`;
      return `  ${variable}: ${message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data, leadlovers.settings);
}

function toConfig(env: Env, leadlovers: LeadLoversSettings): Config {
  const jwksUrl = env.JWKS_URL ?? (env.SSO_API_URL ? new URL('.well-known/jwks.json', withSlash(env.SSO_API_URL)).href : undefined);
  return deepFreeze({
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL,
    corsOrigins: env.DOMAIN_URL.map((origin) => new URL(origin).origin),
    logLevel: env.LOG_LEVEL,
    nodeId: env.NODE_ID ?? `${hostname()}-${process.pid}`,
    redis: redisConfig(env),
    clusterRequestTimeoutMs: env.CLUSTER_REQUEST_TIMEOUT_MS,
    sessionTtlS: env.SESSION_TTL_S,
    drain: { timeoutMs: env.DRAIN_TIMEOUT_MS, batchSize: env.DRAIN_BATCH_SIZE, batchIntervalMs: env.DRAIN_BATCH_INTERVAL_MS },
    shedding: { maxConnections: env.MAX_CONNECTIONS, maxRssBytes: env.MAX_RSS_MB * 1024 * 1024 },
    logFormat: env.LOG_FORMAT,
    auth: {
      secret: env.API_SECRET,
      jwksUrl,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      clockToleranceS: env.JWT_CLOCK_TOLERANCE_S,
      requireExp: env.JWT_REQUIRE_EXP,
      maxTtlS: env.JWT_MAX_TTL_S,
      revocationTtlS: env.REVOCATION_TTL_S,
    },
    mcp: {
      serverPath: env.MCP_SERVER_PATH,
      poolSize: env.MCP_POOL_SIZE,
      inline: inlinePool(env.MCP_POOL_INLINE, env.MCP_POOL_SIZE),
      callTimeoutMs: env.MCP_CALL_TIMEOUT_MS,
      maxQueue: env.MCP_MAX_QUEUE,
      concurrencyPerWorker: env.MCP_CONCURRENCY_PER_WORKER,
      startTimeoutMs: env.MCP_START_TIMEOUT_MS,
      embeddedLatencyMs: env.EMBEDDED_LATENCY_MS,
    },
    leadlovers,
    llm: {
      planner: env.PLANNER,
      anthropicKey: env.ANTHROPIC_API_KEY,
      openaiKey: env.OPENAI_API_KEY,
      anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
      openaiBaseUrl: env.OPENAI_BASE_URL,
      anthropicModel: env.ANTHROPIC_MODEL,
      openaiModel: env.OPENAI_MODEL,
      maxTurns: env.LLM_MAX_TURNS,
      maxTokens: env.LLM_MAX_TOKENS,
      timeoutMs: env.LLM_TIMEOUT_MS,
      conversationMaxMessages: env.CONVERSATION_MAX_MESSAGES,
    },
    limits: {
      promptRatePerMinute: env.PROMPT_RATE_PER_MINUTE,
      promptMaxInFlight: env.PROMPT_MAX_IN_FLIGHT,
      maxMessageBytes: env.MAX_MESSAGE_BYTES,
      historyLimit: env.HISTORY_LIMIT,
      historyMemoryBytes: env.HISTORY_MEMORY_MB * 1_048_576,
      mailboxTtlS: env.MAILBOX_TTL_S,
      mailboxMaxPerUser: env.MAILBOX_MAX_PER_USER,
      idempotencyTtlS: env.IDEMPOTENCY_TTL_S,
      pingIntervalMs: env.PING_INTERVAL_MS,
      pingTimeoutMs: env.PING_TIMEOUT_MS,
    },
    abuse: {
      connectAttemptsPerMinute: env.CONNECT_ATTEMPTS_PER_MINUTE,
      trustProxyHops: env.TRUST_PROXY,
      eventsPerWindow: env.EVENTS_PER_10S,
      eventWindowMs: env.EVENT_RATE_WINDOW_MS,
      eventAbuseWindows: env.EVENT_ABUSE_WINDOWS,
      packetsPerWindow: env.PACKETS_PER_WINDOW || 20 * env.EVENTS_PER_10S,
      packetBytesPerWindow: env.PACKET_BYTES_PER_WINDOW || env.EVENTS_PER_10S * env.MAX_MESSAGE_BYTES,
      authTimeoutMs: env.AUTH_TIMEOUT_MS,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    },
    metrics: { port: env.METRICS_PORT, token: env.METRICS_TOKEN },
    admin: { token: env.ADMIN_TOKEN, maxBodyBytes: env.ADMIN_MAX_BODY_BYTES },
    tracing: tracingConfig(env, env.NODE_ID ?? `${hostname()}-${process.pid}`),
    webhooks: { secret: env.WEBHOOK_SECRET, maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES, replayWindowS: env.WEBHOOK_REPLAY_WINDOW_S },
  });
}

function tracingConfig(env: Env, instanceId: string): Config['tracing'] {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? new URL('v1/traces', withSlash(base)).href : undefined);
  if (!tracesUrl || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const headers: Record<string, string> = {};
  for (const pair of (env.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return { tracesUrl, headers, serviceName: env.OTEL_SERVICE_NAME, childServiceName: `${env.OTEL_SERVICE_NAME}-mcp-server`, instanceId, scheduleDelayMs: env.OTEL_BSP_SCHEDULE_DELAY, protocol: otlpProtocolOf(env), sampler: { name: env.OTEL_TRACES_SAMPLER, ratio: env.OTEL_TRACES_SAMPLER_ARG ?? 1 } };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Loads ./.env (or the file at ENV_FILE) into process.env when present; real environment variables win. */
export function loadDotEnv(path = process.env.ENV_FILE ?? '.env'): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch {
    return false;
  }
}
