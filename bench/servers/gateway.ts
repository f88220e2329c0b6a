// The gateway under test: what apps/gateway/src/main.ts builds (config from the environment, production logger on
// stdout, the Redis connections when REDIS_URL is set, buildDependencies with the embedded store and rules planner,
// createGateway), plus an IPC channel for bench/run.ts: a full GC before memory is read, and a CPU profile of the
// main thread around one phase.
import { createGateway } from '../../apps/gateway/src/app.js';
import { connectRedis } from '../../apps/gateway/src/cluster/redis.js';
import { loadConfig } from '../../apps/gateway/src/config/config.js';
import { buildDependencies } from '../../apps/gateway/src/deps.js';
import { createLogger } from '../../apps/gateway/src/shared/logger.js';
import { fullGc } from '../lib/gc.js';
import { serveIpc } from '../lib/ipc.js';
import { profilerHandlers } from '../lib/profiler.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, undefined, config.logFormat);
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
const redis = config.redis ? await connectRedis({ target: config.redis, logger }) : undefined;
const deps = await buildDependencies(config, logger, redis ? { redis } : {});
const gateway = createGateway(deps);
const address = await gateway.listen(config.port, '127.0.0.1');

async function close(): Promise<void> {
  await gateway.close();
  await deps.close();
  await redis?.close();
}

serveIpc({
  ready: () => ({ port: address.port, connections: gateway.io.engine.clientsCount, defaults: deps.defaults }),
  gc: () => fullGc(),
  ...profilerHandlers(),
  close: async () => {
    await close();
    setImmediate(() => process.exit(0));
    return true;
  },
});
process.on('SIGTERM', () => {
  void close().finally(() => process.exit(0));
});
