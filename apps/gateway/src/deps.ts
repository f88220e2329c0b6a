// Builds everything createGateway needs from a Config: auth, the warm MCP pool, the planner, the session
// registry, stores and limits. Embedded defaults (memory, embedded data, rules planner) are chosen here, and
// `defaults` says which, for the start-up log. The caller owns what it gets back and closes it.
import type { Logger } from 'pino';
import { TOOLS, TOOL_NAMES } from '@leadlovers/tools';
import type { GatewayDeps } from './app.js';
import { setupAuth } from './auth/setup.js';
import type { Config } from './config.js';
import { createMcpPool } from './mcp/pool.js';
import { resolveServerCommand } from './mcp/server-command.js';
import type { ToolRunner } from './mcp/types.js';
import { createRulesPlanner } from './planner/rules-planner.js';
import { createPromptLimiter } from './prompts/limits.js';
import { MemorySessionRegistry } from './session/registry.js';
import { MemoryHistoryStore } from './store/history.js';
import { MemoryIdempotencyStore } from './store/idempotency.js';
import { MemoryMailbox } from './store/mailbox.js';

export interface BuiltDependencies extends GatewayDeps {
  devSecret: string | undefined;
  /** One line per concern saying what is in use, e.g. "planner: rules (no ANTHROPIC_API_KEY / OPENAI_API_KEY)". */
  defaults: string[];
  close(): Promise<void>;
}

export interface BuildOverrides {
  runner?: ToolRunner;
}

export async function buildDependencies(config: Config, logger: Logger, overrides: BuildOverrides = {}): Promise<BuiltDependencies> {
  const defaults: string[] = [];
  const { verifier, devSecret } = setupAuth(config);
  defaults.push(devSecret ? 'auth: DEV MODE, ephemeral HS256 secret (set API_SECRET or JWKS_URL for real auth)' : `auth: ${verifier.describe}`);

  if (config.redis) {
    defaults.push('cluster: REDIS_URL is set but this build keeps sessions, mailbox and rooms in memory (single node)');
  } else {
    defaults.push('cluster: in-memory adapter, sessions and mailbox, single node (no REDIS_URL)');
  }
  if (config.leadlovers.apiToken) {
    defaults.push('LeadLovers data: LEADLOVERS_API_TOKEN is set but the HTTP backend is not in this build; embedded store in use');
  } else {
    defaults.push(`LeadLovers data: embedded SQLite store with demo data (no LEADLOVERS_API_TOKEN)${config.mcp.dbPath ? ` at ${config.mcp.dbPath}` : ''}`);
  }
  defaults.push(
    config.llm.anthropicKey || config.llm.openaiKey || (config.llm.planner && config.llm.planner !== 'rules')
      ? 'planner: rules (LLM planners are not in this build)'
      : 'planner: rules, offline (no ANTHROPIC_API_KEY / OPENAI_API_KEY)',
  );

  const command = resolveServerCommand(config.mcp.serverPath);
  defaults.push(`mcp: ${config.mcp.poolSize} warm worker(s) running ${config.mcp.serverPath ?? 'the bundled apps/mcp-server'}`);
  const childEnv: Record<string, string> = { LOG_LEVEL: config.logLevel === 'silent' ? 'silent' : 'warn' };
  if (config.mcp.dbPath) childEnv.LEADLOVERS_DB_PATH = config.mcp.dbPath;
  if (config.mcp.embeddedLatencyMs) childEnv.EMBEDDED_LATENCY_MS = String(config.mcp.embeddedLatencyMs);

  const runner =
    overrides.runner ??
    (await createMcpPool({
      size: config.mcp.poolSize,
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
    }));

  const sessions = new MemorySessionRegistry();
  const mailbox = new MemoryMailbox({ ttlMs: config.limits.mailboxTtlS * 1000, maxPerUser: config.limits.mailboxMaxPerUser });
  const idempotency = new MemoryIdempotencyStore(config.limits.idempotencyTtlS * 1000);
  const history = new MemoryHistoryStore(config.limits.historyLimit);
  const limiter = createPromptLimiter({ perMinute: config.limits.promptRatePerMinute, maxInFlight: config.limits.promptMaxInFlight });

  return {
    config,
    logger,
    verifier,
    runner,
    planner: createRulesPlanner(),
    sessions,
    mailbox,
    idempotency,
    history,
    limiter,
    devSecret,
    defaults,
    async close() {
      await Promise.allSettled([runner.close(), sessions.close(), mailbox.close(), idempotency.close(), history.close()]);
    },
  };
}
