// The pool's options checked once, with their defaults filled in, and the WorkerConfig every worker (a thread or
// inline) runs its MCP server child from.
import type { WorkerConfig } from '../messages.js';
import type { McpPoolOptions } from './api.js';
import { childEnvironment } from './processes.js';

export type PoolSettings = Required<Omit<McpPoolOptions, 'env' | 'cwd' | 'onEvent' | 'readOnlyTools' | 'sampling' | 'inline'>>;

export function poolSettings(options: McpPoolOptions): PoolSettings {
  if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError('McpPool size must be an integer ≥ 1');
  if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) throw new RangeError('McpPool maxQueue must be an integer ≥ 0');
  return {
    size: options.size,
    command: options.command,
    args: options.args,
    callTimeoutMs: options.callTimeoutMs ?? 15_000,
    maxQueue: options.maxQueue,
    concurrentCallsPerWorker: options.concurrentCallsPerWorker ?? 32,
    logger: options.logger,
    respawn: options.respawn ?? { initialMs: 200, maxMs: 10_000 },
    startTimeoutMs: options.startTimeoutMs ?? 20_000,
    unavailableWaitMs: options.unavailableWaitMs ?? 1_000,
    samplingTimeoutMs: options.samplingTimeoutMs ?? 10_000,
  };
}

/** piscina's workerData (or an inline worker's config): structured-clone safe, the child's environment allow-listed. */
export function workerConfig(options: McpPoolOptions, settings: PoolSettings): WorkerConfig {
  return {
    command: options.command,
    args: options.args,
    env: childEnvironment(options.env),
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    startTimeoutMs: settings.startTimeoutMs,
    respawn: settings.respawn,
    samplingTimeoutMs: options.sampling ? settings.samplingTimeoutMs : null,
  };
}
