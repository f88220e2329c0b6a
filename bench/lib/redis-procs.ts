// Private Redis processes for the redis section, never the shared one on 6379: one redis-server, or a local Redis
// Cluster of masters (no replicas). Bounded start-up, no persistence, and killed with this process whatever ends it,
// so a run leaves no redis-server behind.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { freePorts } from '../../deploy/local-cluster/processes.js';
import { withTimeout } from './procs.js';

export interface RedisProcess {
  port: number;
  pid: number;
  kill(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
/**
 * In production Redis has a core of its own; here it shares two with the gateway, the load generators and whatever
 * else runs. A higher priority keeps it from being preempted inside a command, which would inflate the wall-clock µs
 * of INFO commandstats (its CPU time is read from getrusage either way). It needs root; without, the default stays.
 */
const REDIS_NICE = -10;
const running = new Set<ChildProcess>();
// Whatever ends the orchestrator (an error, a signal handled elsewhere), its redis-servers go with it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** redis-server on 127.0.0.1:port with no persistence, plus `extraArgs`; resolves once it accepts connections. */
export async function startRedisProcess(port: number, extraArgs: readonly string[] = []): Promise<RedisProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    running.delete(child);
  };
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start redis-server (is it installed?): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited early (code ${code}): ${log.trim().split('\n').at(-1) ?? ''}`)));
    // Both streams stay drained for the process's life, so its log can never block it; the tail names a failure.
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-2_000);
      if (log.includes('Ready to accept connections')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  try {
    await withTimeout(ready, START_TIMEOUT_MS, `redis-server on port ${port} did not start within ${START_TIMEOUT_MS / 1000} s`);
  } catch (err) {
    await kill();
    throw err;
  }
  const pid = child.pid ?? 0;
  try {
    setPriority(pid, REDIS_NICE);
  } catch {
    // not permitted: Redis runs at the default priority
  }
  return { port, pid, kill };
}

/** A client of one of these servers: every command bounded, no reconnecting. */
export const redisClient = (port: number, options: RedisOptions = {}): Redis => {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, connectTimeout: 5_000, commandTimeout: 10_000, retryStrategy: () => null, ...options });
  client.on('error', () => undefined); // the section reads failures from the commands it awaits
  return client;
};

export interface LocalRedisCluster {
  masters: RedisProcess[];
  /** An ioredis Cluster client over the masters (the caller disconnects it). */
  connect(): Promise<Cluster>;
  kill(): Promise<void>;
}

const run = (file: string, args: string[], timeoutMs: number): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.slice(0, 2).join(' ')}: ${err.message} ${stderr}`)) : resolve(stdout)));
  });

/** `size` cluster-enabled redis-servers in `dir`, joined with redis-cli --cluster create, waited for until cluster_state:ok. */
export async function startLocalRedisCluster(dir: string, size: number): Promise<LocalRedisCluster> {
  // Data and bus ports both free: the bus is not assumed to be port + 10 000 (that may be past 65 535).
  const ports = await freePorts(size * 2);
  const masters: RedisProcess[] = [];
  const kill = async () => {
    await Promise.all(masters.map((m) => m.kill()));
  };
  try {
    for (let i = 0; i < size; i++) {
      const port = ports[i] ?? 0;
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-port', String(ports[size + i]), '--dir', dir];
      masters.push(await startRedisProcess(port, args));
    }
    await run('redis-cli', ['--cluster', 'create', ...masters.map((m) => `127.0.0.1:${m.port}`), '--cluster-replicas', '0', '--cluster-yes'], 30_000);
    await waitForClusterOk(masters, 20_000);
  } catch (err) {
    await kill();
    throw err;
  }
  return {
    masters,
    async connect() {
      const cluster = new Cluster(
        masters.map((m) => ({ host: '127.0.0.1', port: m.port })),
        { redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 5_000, commandTimeout: 5_000 }, clusterRetryStrategy: () => null },
      );
      cluster.on('error', () => undefined);
      await withTimeout(new Promise<void>((resolve, reject) => cluster.once('ready', resolve).once('end', () => reject(new Error('cluster client closed before ready')))), 15_000, 'the Redis Cluster client did not get ready within 15 s');
      return cluster;
    },
    kill,
  };
}

async function waitForClusterOk(masters: readonly RedisProcess[], timeoutMs: number): Promise<void> {
  const clients = masters.map((m) => redisClient(m.port));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const infos = await Promise.all(clients.map((c) => c.cluster('INFO').catch(() => '')));
      if (infos.every((info) => info.includes('cluster_state:ok'))) return;
      if (Date.now() > deadline) throw new Error(`the local Redis Cluster did not reach cluster_state:ok within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    for (const c of clients) c.disconnect();
  }
}
