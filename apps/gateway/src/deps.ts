// Builds everything createGateway needs from a Config: auth, the warm MCP pool, the planner, the session
// registry, stores and limits. Embedded defaults (memory, embedded data, rules planner) are chosen here, and
// `defaults` says which, for the start-up log. The caller owns what it gets back and closes it.
import type { Logger } from 'pino';
import { TOOLS, TOOL_NAMES } from '@leadlovers/tools';
import type { GatewayDeps } from './app.js';
import { RedisRevocationStore } from './auth/revocations.js';
import { setupAuth } from './auth/setup.js';
import type { RedisConnections } from './cluster/redis.js';
import { createRedisCluster } from './cluster/wiring.js';
import type { Config } from './config/config.js';
import { createMcpPool } from './mcp/pool/index.js';
import { loadTracing } from './tracing/tracing.js';
import { resolveServerCommand } from './mcp/pool/server-command.js';
import type { ToolRunner } from './mcp/types.js';
import { withConversations } from './planner/conversation.js';
import { selectSampler } from './planner/sampling.js';
import { selectPlanner } from './planner/select.js';
import { createPromptLimiter } from './store/limits.js';
import { RedisSessionRegistry } from './session/redis-registry.js';
import type { RedisClient } from './shared/redis.js';
import { MemoryConversationStore, type ConversationStore } from './store/conversation.js';
import { RedisConversationStore } from './store/redis-conversation.js';
import { RedisHistoryStore } from './store/redis-history.js';
import { createRedisRequestState } from './store/redis-request-state.js';
import { createMemoryRequestState } from './store/request-state.js';
import { RedisMailbox } from './store/redis-mailbox.js';
import { MemorySessionRegistry } from './session/registry.js';
import { MemoryHistoryStore } from './store/history.js';
import { MemoryIdempotencyStore } from './store/idempotency.js';
import { MemoryMailbox } from './store/mailbox.js';
import { MemoryConfirmingUsers } from './store/confirming-users.js';
import { RedisConfirmingUsers } from './store/redis-confirming-users.js';
import { MemoryReplayGuard, RedisReplayGuard } from './webhooks/replay-guard.js';

export interface BuiltDependencies extends GatewayDeps {
  devSecret: string | undefined;
  /** One line per concern saying what is in use, e.g. "planner: rules (no ANTHROPIC_API_KEY / OPENAI_API_KEY)". */
  defaults: string[];
  close(): Promise<void>;
}

export interface BuildOverrides {
  runner?: ToolRunner;
  /** Redis connections (owned by the caller). With them, shared state lives in Redis and the node joins the cluster. */
  redis?: RedisConnections;
}

export async function buildDependencies(config: Config, logger: Logger, overrides: BuildOverrides = {}): Promise<BuiltDependencies> {
  const defaults: string[] = [];
  const { verifier, devSecret } = setupAuth(config);
  defaults.push(devSecret ? 'auth: DEV MODE, ephemeral HS256 secret (set API_SECRET or JWKS_URL for real auth)' : `auth: ${verifier.describe}`);

  const redis = overrides.redis;
  const cluster =
    redis && config.redis
      ? createRedisCluster(redis, {
          topology: config.redis.topology,
          keyPrefix: config.redis.keyPrefix,
          sharded: config.redis.sharded,
          requestsTimeoutMs: config.clusterRequestTimeoutMs,
        })
      : undefined;
  defaults.push(cluster ? `${cluster.describe} (node ${config.nodeId})` : 'cluster: in-memory adapter, sessions and mailbox, single node (no REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS)');
  if (config.leadlovers.restApi) {
    const host = new URL(config.leadlovers.apiUrl ?? 'https://llapi.leadlovers.com/webapi').host;
    defaults.push(`LeadLovers data: REST API at ${host}, one token per account (the MCP children validate the token configuration)`);
  } else {
    defaults.push(`LeadLovers data: embedded SQLite store with demo data (no LEADLOVERS_API_TOKEN) at ${config.leadlovers.dbPath}`);
  }
  defaults.push(
    config.webhooks.secret
      ? 'webhooks: POST /webhooks/leadlovers/<account> on, per-account secrets derived from WEBHOOK_SECRET'
      : 'webhooks: off (no WEBHOOK_SECRET)',
  );
  const selected = selectPlanner(config.llm, logger);
  defaults.push(selected.describe);

  const command = resolveServerCommand(config.mcp.serverPath);
  defaults.push(
    `mcp: ${config.mcp.poolSize} warm MCP server child(ren) running ${config.mcp.serverPath ?? 'the bundled apps/mcp-server'}, ` +
      (config.mcp.inline ? 'their clients on the main thread (MCP_POOL_INLINE)' : 'each with its own worker thread'),
  );
  // The LEADLOVERS_* variables go to the children as given (config checked them with the server's schema).
  const childEnv: Record<string, string> = { LOG_LEVEL: config.logLevel === 'silent' ? 'silent' : 'warn', ...config.leadlovers.childEnv };
  if (config.mcp.embeddedLatencyMs) childEnv.EMBEDDED_LATENCY_MS = String(config.mcp.embeddedLatencyMs);
  const tracing = await loadTracing(config.tracing);
  defaults.push(tracing && config.tracing ? `tracing: OpenTelemetry, OTLP/HTTP (${config.tracing.protocol}) to ${new URL(config.tracing.tracesUrl).host} (service ${config.tracing.serviceName}, sampler ${samplerLabel(config.tracing.sampler)}; MCP children on the LeadLovers API too)` : 'tracing: off (no OTEL_EXPORTER_OTLP_ENDPOINT)');
  if (tracing) Object.assign(childEnv, tracing.childEnv);
  const sampling = selectSampler(config.llm);
  const samplingTimeouts = sampling ? samplingTimeoutsFor(config) : undefined;
  if (samplingTimeouts) childEnv.SAMPLING_TIMEOUT_MS = String(samplingTimeouts.serverMs);
  defaults.push(sampling?.describe ?? 'mcp sampling: off, create_email_content writes from its templates (no LLM)');

  const runner =
    overrides.runner ??
    (await createMcpPool({
      size: config.mcp.poolSize,
      inline: config.mcp.inline,
      command: command.command,
      args: command.args,
      env: childEnv,
      callTimeoutMs: config.mcp.callTimeoutMs,
      maxQueue: config.mcp.maxQueue,
      concurrentCallsPerWorker: config.mcp.concurrencyPerWorker,
      startTimeoutMs: config.mcp.startTimeoutMs,
      // Only read-only tools are retried once after a child died mid-call; a write might have happened.
      readOnlyTools: TOOL_NAMES.filter((name) => TOOLS[name].readOnly),
      logger: logger.child({ component: 'mcp-pool' }),
      ...(sampling && samplingTimeouts ? { sampling: sampling.sampler, samplingTimeoutMs: samplingTimeouts.gatewayMs } : {}),
    }));

  const state = redis && config.redis ? redisState(redis.command, config.redis.keyPrefix, config, logger) : memoryState(config);
  const conversations: ConversationStore =
    redis && config.redis
      ? new RedisConversationStore(redis.command, { prefix: config.redis.keyPrefix, maxMessages: config.llm.conversationMaxMessages })
      : new MemoryConversationStore(config.llm.conversationMaxMessages);

  return {
    config,
    logger,
    verifier,
    runner,
    planner: withConversations(selected.planner, conversations, logger.child({ component: 'conversations' })),
    ...state,
    ...(redis && config.redis
      ? { revocations: new RedisRevocationStore(redis.command, { prefix: config.redis.keyPrefix, ttlSeconds: config.auth.revocationTtlS, logger }) }
      : {}),
    cluster,
    tracing,
    devSecret,
    defaults,
    async close() {
      await Promise.allSettled([runner.close(), state.sessions.close(), state.mailbox.close(), state.history.close(), conversations.close()]);
      await tracing?.shutdown();
    },
  };
}

/**
 * The sampling deadlines, nested inside one tool call: the MCP server gives up on sampling (and falls back to its
 * templates) early enough that the fallback still beats the call timeout, and the gateway gives up on the LLM just
 * before the server does, so the server sees a clear error rather than its own timeout.
 */
function samplingTimeoutsFor(config: Config): { serverMs: number; gatewayMs: number } {
  const callMs = config.mcp.callTimeoutMs;
  const serverMs = callMs > 6_000 ? callMs - 3_000 : Math.max(100, Math.floor(callMs / 2));
  const gatewayMs = Math.max(100, Math.min(config.llm.timeoutMs, serverMs - Math.min(1_000, Math.floor(serverMs / 10))));
  return { serverMs, gatewayMs };
}

type SharedState = Pick<GatewayDeps, 'sessions' | 'mailbox' | 'history' | 'state' | 'replays' | 'confirmingUsers'>;

function memoryState(config: Config): SharedState {
  const { limits } = config;
  const mailbox = new MemoryMailbox({ ttlMs: limits.mailboxTtlS * 1000, maxPerUser: limits.mailboxMaxPerUser });
  const history = new MemoryHistoryStore(limits.historyLimit, { maxBytes: limits.historyMemoryBytes });
  return {
    replays: new MemoryReplayGuard(config.webhooks.replayWindowS * 1000),
    confirmingUsers: new MemoryConfirmingUsers(),
    sessions: new MemorySessionRegistry(),
    mailbox,
    history,
    state: createMemoryRequestState({
      mailbox,
      history,
      idempotency: new MemoryIdempotencyStore(limits.idempotencyTtlS * 1000),
      limiter: createPromptLimiter({ perMinute: limits.promptRatePerMinute, maxInFlight: limits.promptMaxInFlight }),
    }),
  };
}

function redisState(redis: RedisClient, prefix: string, config: Config, logger: Logger): SharedState {
  const { limits } = config;
  const warnLag = everyInterval(10_000, (count, acknowledged) =>
    logger.warn({ requests: count, acknowledged, wanted: config.redis?.waitReplicas }, 'redis replicas did not acknowledge responses within REDIS_WAIT_TIMEOUT_MS; answered anyway'),
  );
  const warnFallback = everyInterval(10_000, (count, err) =>
    logger.warn({ err: (err as Error).message, requests: count }, 'redis unreachable: requests admitted on this node\'s own limits, without idempotency claims'),
  );
  return {
    replays: new RedisReplayGuard(redis, prefix, config.webhooks.replayWindowS),
    confirmingUsers: new RedisConfirmingUsers(redis, { prefix }),
    sessions: new RedisSessionRegistry(redis, { prefix, ttlSeconds: config.sessionTtlS }),
    mailbox: new RedisMailbox(redis, { prefix, ttlSeconds: limits.mailboxTtlS, maxPerUser: limits.mailboxMaxPerUser }),
    history: new RedisHistoryStore(redis, { prefix, maxPerUser: limits.historyLimit }),
    state: createRedisRequestState(redis, {
      prefix,
      perMinute: limits.promptRatePerMinute,
      maxInFlight: limits.promptMaxInFlight,
      // A node that dies mid-request must not hold a user's in-flight slot for longer than a request can last.
      inFlightTtlSeconds: Math.ceil((config.mcp.callTimeoutMs * 2) / 1000) + 5,
      idempotencyTtlSeconds: limits.idempotencyTtlS,
      mailboxTtlSeconds: limits.mailboxTtlS,
      mailboxMaxPerUser: limits.mailboxMaxPerUser,
      historyMaxPerUser: limits.historyLimit,
      onRedisError: warnFallback,
      waitReplicas: config.redis?.waitReplicas ?? 0,
      replicaWaitTimeoutMs: config.redis?.waitTimeoutMs ?? 100,
      onReplicaLag: warnLag,
    }),
  };
}

/** Calls `log` at most once per interval with how many calls it stood for, so an outage logs a line, not a flood. */
function everyInterval(intervalMs: number, log: (count: number, last: unknown) => void): (err: unknown) => void {
  let count = 0;
  let since = 0;
  return (err) => {
    count += 1;
    const now = Date.now();
    if (now - since < intervalMs) return;
    log(count, err);
    count = 0;
    since = now;
  };
}

function samplerLabel(sampler: NonNullable<Config['tracing']>['sampler']): string {
  return sampler.name.includes('traceidratio') ? `${sampler.name} ${sampler.ratio}` : sampler.name;
}
