// Stdio entry of the LeadLovers MCP server: reads the config, builds the backend (the real LeadLovers API when a
// token is configured, else the embedded store), serves MCP on stdin/stdout, and closes the backend on stdin EOF,
// SIGTERM or SIGINT. Stdout carries protocol only; every
// log line goes to fd 2.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { createEmbeddedBackend } from './backend/embedded/backend.js';
import { describeAccountTokens } from './backend/http/account-tokens.js';
import { createHttpBackend } from './backend/http/backend.js';
import { createLeadLoversClient } from './backend/http/client.js';
import type { LeadLoversBackend } from './backend/types.js';
import { ConfigError, ensureDbDirectory, loadConfig, type Config } from './config.js';
import { createMcpServer } from './server.js';
import { loadServerTracing } from './tracing.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`leadlovers-mcp: ${err.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
// Traced where the server itself does I/O worth a span: the LeadLovers REST backend (a span per tools/call and one
// per HTTP request under it). The embedded store answers in-process in microseconds: the gateway's `mcp tools/call`
// client span already covers that call, and a span of its own here would cost the call about a tenth of its CPU.
const tracing = config.leadlovers ? await loadServerTracing(config.tracing) : undefined;
const logger = pino({ name: 'leadlovers-mcp', level: config.logLevel }, pino.destination(2));

function backendOrExit(): LeadLoversBackend {
  if (config.leadlovers) {
    const { apiUrl, timeoutMs, maxAttempts, breakerFailures, breakerCooldownMs, tokens } = config.leadlovers;
    const client = createLeadLoversClient({ baseUrl: apiUrl, timeoutMs, maxAttempts, breakerFailures, breakerCooldownMs, ...(tracing ? { fetch: tracing.wrapFetch(fetch) } : {}) });
    return createHttpBackend({ client, tokens });
  }
  try {
    ensureDbDirectory(config.dbPath);
    return createEmbeddedBackend({
      dbPath: config.dbPath,
      onSeeded: (account) => logger.info({ account }, 'seeded demo data for a new account'),
    });
  } catch (err) {
    logger.fatal({ err, dbPath: config.dbPath }, 'cannot open the embedded database (LEADLOVERS_DB_PATH)');
    process.exit(1);
  }
}

const backend = backendOrExit();
// EMBEDDED_LATENCY_MS models a remote API; the real one needs no help.
const server = createMcpServer({
  backend,
  logger,
  latencyMs: config.leadlovers ? 0 : config.embeddedLatencyMs,
  samplingTimeoutMs: config.samplingTimeoutMs,
  tracing,
});

let closing = false;
async function shutdown(reason: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ reason }, 'shutting down');
  try {
    await server.close();
  } finally {
    backend.close();
    // Spans still buffered go out before the process does.
    await tracing?.shutdown().catch(() => undefined);
    process.exit(0);
  }
}

process.stdin.once('end', () => void shutdown('stdin closed'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

await server.connect(new StdioServerTransport());
if (config.leadlovers) {
  // Names accounts and the API's base URL, never a token.
  logger.info(
    { backend: 'http', apiHost: new URL(config.leadlovers.apiUrl).host, tokens: describeAccountTokens(config.leadlovers.tokens) },
    'LeadLovers MCP server ready on stdio (LeadLovers REST API)',
  );
} else {
  logger.info(
    { dbPath: config.dbPath, backend: 'embedded' },
    'LeadLovers MCP server ready on stdio (embedded SQLite store with demo data; no LeadLovers API token configured)',
  );
}
