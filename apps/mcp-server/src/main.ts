// Stdio entry of the LeadLovers MCP server: reads the config, opens the embedded store, serves MCP on
// stdin/stdout, and closes the database on stdin EOF, SIGTERM or SIGINT. Stdout carries protocol only; every
// log line goes to fd 2.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { createEmbeddedBackend } from './backend/embedded/backend.js';
import type { LeadLoversBackend } from './backend/types.js';
import { ConfigError, ensureDbDirectory, loadConfig, type Config } from './config.js';
import { createMcpServer } from './server.js';

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
const logger = pino({ name: 'leadlovers-mcp', level: config.logLevel }, pino.destination(2));

function backendOrExit(): LeadLoversBackend {
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
const server = createMcpServer({ backend, logger, latencyMs: config.embeddedLatencyMs });

let closing = false;
async function shutdown(reason: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ reason }, 'shutting down');
  try {
    await server.close();
  } finally {
    backend.close();
    process.exit(0);
  }
}

process.stdin.once('end', () => void shutdown('stdin closed'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

await server.connect(new StdioServerTransport());
logger.info(
  { dbPath: config.dbPath, backend: 'embedded' },
  'LeadLovers MCP server ready on stdio (embedded SQLite store with demo data; no LeadLovers API token configured)',
);
