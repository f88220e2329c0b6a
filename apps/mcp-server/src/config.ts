// The MCP server's configuration: the only module that reads process.env. One zod schema, exported so that a
// host forwarding these variables (the gateway) checks them with this very schema; a frozen result, and issues
// that name the variable. A LeadLovers token setup selects the HTTP backend.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AccountTokensError, parseAccountTokens, type AccountTokens } from './backend/http/account-tokens.js';
import { DEFAULT_API_URL } from './backend/http/client.js';

/** <repo root>/data/embedded.sqlite: shared by every MCP child of every gateway node on this machine. */
export const DEFAULT_DB_PATH = fileURLToPath(new URL('../../../data/embedded.sqlite', import.meta.url));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The one boolean form: true or 1, false or 0, in any case (an empty variable is unset). */
/**
 * OTLP over HTTP: protobuf (the spec's default) or JSON; gRPC is not built in. The gateway validates its own
 * OTEL_EXPORTER_OTLP_*PROTOCOL with this schema and reads it with otlpProtocolOf, so the two processes agree.
 */
export const otlpProtocol = z
  .enum(['http/protobuf', 'http/json', ''], { message: "must be 'http/protobuf' or 'http/json' (gRPC is not supported: use the collector's OTLP/HTTP port, 4318)" })
  .optional();
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf (the spec's rule). */
export function otlpProtocolOf(env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: OtlpProtocol | ''; OTEL_EXPORTER_OTLP_PROTOCOL?: OtlpProtocol | '' }): OtlpProtocol {
  return env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
}

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0'], { message: 'must be true, false, 1 or 0' }))
  .transform((value) => value === 'true' || value === '1');

export const McpServerEnvSchema = z.object({
  LEADLOVERS_DB_PATH: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .optional()
    .transform((value) => path.resolve(value ?? DEFAULT_DB_PATH)),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // Added to every embedded-store call, to model the real API's latency in load tests and fault tests.
  EMBEDDED_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  // Bound on one sampling/createMessage round trip (create_email_content) before the templates take over.
  SAMPLING_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(12_000),
  LEADLOVERS_API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default(DEFAULT_API_URL),
  LEADLOVERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  LEADLOVERS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LEADLOVERS_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  LEADLOVERS_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  LEADLOVERS_SINGLE_ACCOUNT: flag.default(false),
  LEADLOVERS_ACCOUNT: z.string().trim().min(1).optional(),
  // The token variables: their rules span several variables, so account-tokens.ts checks them.
  LEADLOVERS_API_TOKEN: z.string().trim().optional(),
  LEADLOVERS_ACCOUNT_TOKENS: z.string().optional(),
  LEADLOVERS_ACCOUNT_TOKENS_FILE: z.string().optional(),
  // OpenTelemetry (tracing.ts): the standard variables; the gateway sets them for its children when it traces.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('leadlovers-mcp-server'),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(10).max(600_000).default(5_000),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
});

export type McpServerVariable = keyof typeof McpServerEnvSchema.shape;
export const MCP_SERVER_VARIABLES = Object.keys(McpServerEnvSchema.shape) as McpServerVariable[];
/** What a host passes through from its own environment; it sets LOG_LEVEL and the *_MS tuning per child itself. */
export const LEADLOVERS_VARIABLES = MCP_SERVER_VARIABLES.filter((name) => name.startsWith('LEADLOVERS_'));

/** The real LeadLovers API: present when a token is configured, and then the backend is HTTP. */
export interface LeadLoversApiConfig {
  readonly apiUrl: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** Consecutive failed calls of one account that open its circuit, and how long it stays open before a probe. */
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
  readonly tokens: AccountTokens;
}

export interface Config {
  readonly dbPath: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly embeddedLatencyMs: number;
  readonly samplingTimeoutMs: number;
  readonly leadlovers: LeadLoversApiConfig | null;
  /** OpenTelemetry traces; null (off) without an OTLP endpoint. */
  readonly tracing: TracingConfig | null;
}

export interface TracingConfig {
  readonly tracesUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly scheduleDelayMs: number;
  /** See otlpProtocolOf. */
  readonly protocol: OtlpProtocol;
}

/** One bad variable; `message` never holds a token. */
export interface ConfigIssue {
  variable: string;
  message: string;
}

export type ConfigReading = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** An empty variable counts as unset; except the database path, where it is a mistake worth naming. */
function schemaInput(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const input: Record<string, string | undefined> = {};
  for (const name of MCP_SERVER_VARIABLES) {
    const value = env[name];
    input[name] = name === 'LEADLOVERS_DB_PATH' || value === undefined || value.trim() !== '' ? value : undefined;
  }
  return input;
}

type Env = z.output<typeof McpServerEnvSchema>;

function readTokens(env: Env): { tokens: AccountTokens | null } | { issue: ConfigIssue } {
  let tokensFileText: string | undefined;
  const file = env.LEADLOVERS_ACCOUNT_TOKENS_FILE;
  if (file !== undefined) {
    try {
      tokensFileText = readFileSync(path.resolve(file), 'utf8');
    } catch (err) {
      const reason = (err as { code?: string }).code ?? 'unreadable';
      return { issue: { variable: 'LEADLOVERS_ACCOUNT_TOKENS_FILE', message: `cannot read ${file} (${reason})` } };
    }
  }
  try {
    const { LEADLOVERS_ACCOUNT_TOKENS: tokensJson, LEADLOVERS_API_TOKEN: apiToken, LEADLOVERS_ACCOUNT: account } = env;
    return { tokens: parseAccountTokens({ tokensJson, tokensFileText, apiToken, account, singleAccount: env.LEADLOVERS_SINGLE_ACCOUNT }) };
  } catch (err) {
    if (err instanceof AccountTokensError) return { issue: { variable: err.variable, message: err.problem } };
    throw err;
  }
}

/** Parses an environment into the server's Config, or every issue found (each naming its variable). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ConfigReading {
  const parsed = McpServerEnvSchema.safeParse(schemaInput(env));
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((issue) => ({ variable: issue.path.join('.') || 'environment', message: issue.message })) };
  }
  const data = parsed.data;
  const read = readTokens(data);
  if ('issue' in read) return { ok: false, issues: [read.issue] };
  const { tokens } = read;
  const leadlovers = tokens
    ? Object.freeze({
        apiUrl: data.LEADLOVERS_API_URL,
        timeoutMs: data.LEADLOVERS_TIMEOUT_MS,
        maxAttempts: data.LEADLOVERS_MAX_ATTEMPTS,
        breakerFailures: data.LEADLOVERS_BREAKER_FAILURES,
        breakerCooldownMs: data.LEADLOVERS_BREAKER_COOLDOWN_MS,
        tokens,
      })
    : null;
  const config: Config = {
    dbPath: data.LEADLOVERS_DB_PATH,
    logLevel: data.LOG_LEVEL,
    embeddedLatencyMs: data.EMBEDDED_LATENCY_MS,
    samplingTimeoutMs: data.SAMPLING_TIMEOUT_MS,
    leadlovers,
    tracing: tracingConfig(data),
  };
  return { ok: true, config: Object.freeze(config) };
}

function tracingConfig(data: Env): TracingConfig | null {
  const base = data.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = data.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? new URL('v1/traces', base.endsWith('/') ? base : `${base}/`).href : undefined);
  if (!tracesUrl) return null;
  const headers: Record<string, string> = {};
  for (const pair of (data.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return Object.freeze({ tracesUrl, headers, serviceName: data.OTEL_SERVICE_NAME, scheduleDelayMs: data.OTEL_BSP_SCHEDULE_DELAY, protocol: otlpProtocolOf(data) });
}

/** readConfig for the server's own start-up: throws ConfigError whose message names each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const reading = readConfig(env);
  if (reading.ok) return reading.config;
  throw new ConfigError(`Invalid configuration: ${reading.issues.map((issue) => `${issue.variable}: ${issue.message}`).join('; ')}`);
}

/** Creates the database's directory so a fresh checkout starts without setup. */
export function ensureDbDirectory(dbPath: string): void {
  mkdirSync(path.dirname(dbPath), { recursive: true });
}
