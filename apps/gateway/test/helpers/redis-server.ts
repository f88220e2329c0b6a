// Test fixture: redis-server processes of our own on free ports (no persistence), for tests that kill and restart
// Redis under running nodes, or build a Redis Cluster or a Sentinel set, without touching the shared one on 6379.
// A missing redis-server fails the test (spawn error), never skips it.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

export interface RedisServerOptions {
  /** Arguments after the port (e.g. --cluster-enabled yes), or the whole command line with `sentinelConfig`. */
  args?: string[];
  /** Start `redis-server <file> --sentinel` instead. */
  sentinelConfig?: string;
  cwd?: string;
}

const READY = /Ready to accept connections|Sentinel ID is/;

export function startRedisServer(port: number, options: RedisServerOptions = {}): Promise<ChildProcess> {
  const args = options.sentinelConfig
    ? [options.sentinelConfig, '--sentinel']
    : ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(options.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
    let output = '';
    child.once('error', (err) => reject(new Error(`cannot start redis-server (is it installed?): ${err.message}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
      if (READY.test(output)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited early with code ${code}: ${output.slice(-500)}`)));
  });
}

/** SIGKILL (no shutdown, like a crash) and wait for the exit. */
export function killRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

/** One short connection to one of our servers, never retried, closed whatever happens. */
export async function withNode<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
