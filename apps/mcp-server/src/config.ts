// The MCP server's configuration: the only module that reads process.env. One zod schema, a frozen result,
// and an error naming the variable when a value is bad.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

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
});

export interface Config {
  readonly dbPath: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly embeddedLatencyMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws ConfigError whose message names each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse({
    LEADLOVERS_DB_PATH: env.LEADLOVERS_DB_PATH,
    LOG_LEVEL: env.LOG_LEVEL === '' ? undefined : env.LOG_LEVEL,
    EMBEDDED_LATENCY_MS: env.EMBEDDED_LATENCY_MS === '' ? undefined : env.EMBEDDED_LATENCY_MS,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze({
    dbPath: parsed.data.LEADLOVERS_DB_PATH,
    logLevel: parsed.data.LOG_LEVEL,
    embeddedLatencyMs: parsed.data.EMBEDDED_LATENCY_MS,
  });
}

/** Creates the database's directory so a fresh checkout starts without setup. */
export function ensureDbDirectory(dbPath: string): void {
  mkdirSync(path.dirname(dbPath), { recursive: true });
}
