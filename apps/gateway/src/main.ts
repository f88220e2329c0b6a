// Entry point: read config, build dependencies, start the gateway, say which defaults are in use, and shut
// down cleanly on SIGTERM/SIGINT (a second signal exits at once). Tests use createGateway, never this file.
import { parseArgs } from 'node:util';
import { createGateway } from './app.js';
import { connectRedis } from './cluster/redis.js';
import { mintToken } from './auth/mint.js';
import { ConfigError, loadConfig, loadDotEnv } from './config/config.js';
import { buildDependencies } from './deps.js';
import { createLogger } from './shared/logger.js';

const USAGE = `usage: pnpm start   (compiled: node apps/gateway/dist/main.js; pnpm dev runs the sources)
Starts one gateway node. Every setting comes from the environment or .env: see .env.example and README "Configuration".`;

/** No arguments but --help: a mistyped one stops here instead of being ignored. */
function helpRequested(): boolean {
  try {
    return parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help === true;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  if (helpRequested()) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  // A library promise nobody awaited must be a log line, not a dead node.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  const redis = config.redis ? await connectRedis({ target: config.redis, logger }) : undefined;
  const deps = await buildDependencies(config, logger, redis ? { redis } : {});
  const gateway = createGateway(deps);
  const address = await gateway.listen();
  const url = config.publicUrl ?? `http://localhost:${address.port}`;

  logger.info({ port: address.port, metricsPort: config.metrics.port, host: config.host, env: config.env, defaults: deps.defaults }, `gateway listening on ${url}`);
  for (const line of deps.defaults) logger.info(line);
  if (deps.devSecret) {
    // 12 h, or less when JWT_MAX_TTL_S says so (a longer one would be refused).
    const ttlSeconds = Math.min(12 * 3600, config.auth.maxTtlS ?? Infinity);
    const token = await mintToken(deps.devSecret, { userId: 'dev-user', account: 'demo', name: 'Dev User', ttlSeconds });
    logger.info({ devToken: token, consoleUrl: `${url}/#token=${token}` }, `DEV MODE: open ${url}/#token=${token}`);
    // The JSON log is for machines; a person starting the gateway for the first time wants the link.
    process.stderr.write(`\nDev mode: open the console at\n  ${url}/#token=${token}\n(dev token for user dev-user, account demo, valid ${Math.round((ttlSeconds / 3600) * 10) / 10} h)\n\n`);
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway
      .drain()
      .then(() => gateway.close())
      .then(() => deps.close())
      .then(() => redis?.close())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
