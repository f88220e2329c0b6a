// The MCP server's configuration: the only module that reads process.env. One zod schema, a frozen result,
// and an error naming the variable when a value is bad. A LeadLovers token setup selects the HTTP backend.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AccountTokensError, parseAccountTokens, type AccountTokens } from './backend/http/account-tokens.js';
import { DEFAULT_API_URL } from './backend/http/client.js';

/** <repo root>/data/embedded.sqlite: shared by every MCP child of every gateway node on this machine. */
export const DEFAULT_DB_PATH = fileURLToPath(new URL('../../../data/embedded.sqlite', import.meta.url));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
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
  LEADLOVERS_SINGLE_ACCOUNT: z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).default('false'),
  LEADLOVERS_ACCOUNT: z.string().trim().min(1).optional(),
});

/** The real LeadLovers API: present when a token is configured, and then the backend is HTTP. */
export interface LeadLoversApiConfig {
  readonly apiUrl: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly tokens: AccountTokens;
}

export interface Config {
  readonly dbPath: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly embeddedLatencyMs: number;
  readonly samplingTimeoutMs: number;
  readonly leadlovers: LeadLoversApiConfig | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** An empty variable counts as unset. */
const set = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

function readTokensFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    const reason = (err as { code?: string }).code ?? 'unreadable';
    throw new ConfigError(`Invalid configuration: LEADLOVERS_ACCOUNT_TOKENS_FILE: cannot read ${file} (${reason})`);
  }
}

function leadLoversTokens(env: NodeJS.ProcessEnv, singleAccount: boolean, account: string | undefined): AccountTokens | null {
  try {
    return parseAccountTokens({
      tokensJson: set(env.LEADLOVERS_ACCOUNT_TOKENS),
      tokensFileText: readTokensFile(set(env.LEADLOVERS_ACCOUNT_TOKENS_FILE)),
      apiToken: set(env.LEADLOVERS_API_TOKEN)?.trim(),
      account,
      singleAccount,
    });
  } catch (err) {
    if (err instanceof AccountTokensError) throw new ConfigError(`Invalid configuration: ${err.message}`);
    throw err;
  }
}

/** Parses the environment; throws ConfigError whose message names each bad variable (never a token's value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse({
    LEADLOVERS_DB_PATH: env.LEADLOVERS_DB_PATH,
    LOG_LEVEL: set(env.LOG_LEVEL),
    EMBEDDED_LATENCY_MS: set(env.EMBEDDED_LATENCY_MS),
    SAMPLING_TIMEOUT_MS: set(env.SAMPLING_TIMEOUT_MS),
    LEADLOVERS_API_URL: set(env.LEADLOVERS_API_URL),
    LEADLOVERS_TIMEOUT_MS: set(env.LEADLOVERS_TIMEOUT_MS),
    LEADLOVERS_MAX_ATTEMPTS: set(env.LEADLOVERS_MAX_ATTEMPTS),
    LEADLOVERS_SINGLE_ACCOUNT: set(env.LEADLOVERS_SINGLE_ACCOUNT)?.trim().toLowerCase(),
    LEADLOVERS_ACCOUNT: set(env.LEADLOVERS_ACCOUNT),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const data = parsed.data;
  const tokens = leadLoversTokens(env, data.LEADLOVERS_SINGLE_ACCOUNT === 'true', data.LEADLOVERS_ACCOUNT);
  return Object.freeze({
    dbPath: data.LEADLOVERS_DB_PATH,
    logLevel: data.LOG_LEVEL,
    embeddedLatencyMs: data.EMBEDDED_LATENCY_MS,
    samplingTimeoutMs: data.SAMPLING_TIMEOUT_MS,
    leadlovers: tokens
      ? Object.freeze({
          apiUrl: data.LEADLOVERS_API_URL,
          timeoutMs: data.LEADLOVERS_TIMEOUT_MS,
          maxAttempts: data.LEADLOVERS_MAX_ATTEMPTS,
          tokens,
        })
      : null,
  });
}

/** Creates the database's directory so a fresh checkout starts without setup. */
export function ensureDbDirectory(dbPath: string): void {
  mkdirSync(path.dirname(dbPath), { recursive: true });
}
