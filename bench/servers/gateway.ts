// The gateway under test: what apps/gateway/src/main.ts builds (config from the environment, production logger on
// stdout, the Redis connections when REDIS_URL is set, buildDependencies with the embedded store and rules planner,
// createGateway), plus an IPC channel for bench/run.ts: a full GC before memory is read, and a CPU profile of the
// main thread around one phase.
import type * as AppModule from '../../apps/gateway/src/app.js';
import type * as RedisModule from '../../apps/gateway/src/cluster/redis.js';
import type * as ConfigModule from '../../apps/gateway/src/config/config.js';
import type * as DepsModule from '../../apps/gateway/src/deps.js';
import type * as LoggerModule from '../../apps/gateway/src/shared/logger.js';
import { fullGc } from '../lib/gc.js';
import { serveIpc } from '../lib/ipc.js';
import { profilerHandlers } from '../lib/profiler.js';

const base = process.env.BENCH_COMPILED === '1' ? '../../apps/gateway/dist' : '../../apps/gateway/src';
const { createGateway } = (await import(`${base}/app.js`)) as typeof AppModule;
const { connectRedis } = (await import(`${base}/cluster/redis.js`)) as typeof RedisModule;
const { loadConfig } = (await import(`${base}/config/config.js`)) as typeof ConfigModule;
const { buildDependencies } = (await import(`${base}/deps.js`)) as typeof DepsModule;
const { createLogger } = (await import(`${base}/shared/logger.js`)) as typeof LoggerModule;
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
