// The docker-compose cluster topology as local processes: Redis (external, or our own redis-server), N gateway
// nodes, and nginx running the repository's nginx.conf (rendered: upstreams, ports, paths) with a fresh
// self-signed certificate. startLocalCluster() is used by `pnpm cluster:local` and by the topology test.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/config/node-flags.js';
import { renderNginxConfFile } from './nginx-config.js';
import { findExecutable, freePorts, registerTempDir, startProcess, waitFor, type ManagedProcess } from './processes.js';
import { pingRedis, probe } from './probes.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface LocalClusterOptions {
  /** Gateway nodes (default 3, like docker-compose.cluster.yml). */
  nodes?: number;
  /** Start a private redis-server on a free port instead of using `redisUrl`. */
  ownRedis?: boolean;
  /** Default: REDIS_URL from the environment, else redis://127.0.0.1:6379. Ignored with ownRedis. */
  redisUrl?: string;
  /** REDIS_KEY_PREFIX for every node, to keep this cluster's keys apart on a shared Redis. */
  redisKeyPrefix?: string;
  /** HS256 secret for the nodes (default: 48 random bytes, base64url). */
  apiSecret?: string;
  /** Fixed nginx ports (default: free ports). */
  httpPort?: number;
  httpsPort?: number;
  /** Extra environment for every node (wins over the defaults below). */
  env?: Record<string, string>;
  /** Each output line of every process (the CLI prints them); otherwise only kept for error messages. */
  onLine?: (source: string, line: string) => void;
  /** Bound on the whole start (default 120 s: three nodes with MCP children on two cores take 20–40 s). */
  startTimeoutMs?: number;
}

export interface LocalNode {
  id: string;
  port: number;
  pid: number;
}

export interface LocalCluster {
  /** https://127.0.0.1:<port> through nginx (TLS); Socket.IO clients use wss:// on the same port. */
  httpsUrl: string;
  /** http://127.0.0.1:<port>: redirects to httpsUrl. */
  httpUrl: string;
  nodes: LocalNode[];
  redisUrl: string;
  redisKeyPrefix: string;
  apiSecret: string;
  /** PEM of the self-signed certificate (trust it with `ca`), and its path. */
  caCert: string;
  certPath: string;
  /** nginx's JSON access log: one line per request with remote_addr and upstream_addr. */
  accessLogPath: string;
  /** Output tail of one process (node-1…, nginx, redis), for diagnostics. */
  logTail(source: string, lines?: number): string;
  /** Kills nginx, the nodes (SIGTERM, SIGKILL after a bound) and our redis; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
}

export function requireTool(name: string, hint: string): string {
  const found = findExecutable(name, ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']);
  if (!found) throw new MissingToolError(`${name} not found on PATH (nor in /usr/sbin): ${hint}`);
  return found;
}

export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const nodeCount = options.nodes ?? 3;
  if (!Number.isInteger(nodeCount) || nodeCount < 1) throw new Error(`nodes must be a positive integer (got ${nodeCount})`);
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const deadline = Date.now() + startTimeoutMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());

  // Fail before starting anything when a tool is missing: the test must fail (not skip) with this message.
  const nginxBin = requireTool('nginx', 'install it (Debian: apt-get install -y nginx; .ci/run does this)');
  const opensslBin = requireTool('openssl', 'install it (Debian: apt-get install -y openssl)');
  const redisServerBin = options.ownRedis ? requireTool('redis-server', 'install it (Debian: apt-get install -y redis-server) or drop --own-redis') : undefined;

  const dir = mkdtempSync(join(tmpdir(), 'local-cluster-'));
  const removeDir = registerTempDir(dir);
  // nginx's workers drop root privileges (to nobody): they must be able to reach their temp directories.
  chmodSync(dir, 0o755);
  const processes: ManagedProcess[] = [];
  const tails = new Map<string, ManagedProcess>();
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // nginx first (no new traffic), then the nodes together (each drains), then Redis.
    const nginx = processes.filter((p) => p.name === 'nginx');
    const nodes = processes.filter((p) => p.name.startsWith('node-'));
    const redis = processes.filter((p) => p.name === 'redis');
    await Promise.all(nginx.map((p) => p.stop(5_000)));
    await Promise.all(nodes.map((p) => p.stop(10_000)));
    await Promise.all(redis.map((p) => p.stop(5_000)));
    removeDir();
  };

  try {
    const [httpPort, httpsPort, redisPort, ...nodePorts] = await freePorts(3 + nodeCount);
    const ports = {
      http: options.httpPort ?? (httpPort as number),
      https: options.httpsPort ?? (httpsPort as number),
    };

    // Redis.
    let redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (redisServerBin) {
      mkdirSync(join(dir, 'redis'));
      redisUrl = `redis://127.0.0.1:${redisPort}`;
      const redis = startProcess(
        'redis',
        redisServerBin,
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', join(dir, 'redis')],
        { onLine: options.onLine },
      );
      processes.push(redis);
      tails.set('redis', redis);
      await waitFor('redis-server', async () => (await pingRedis(redisUrl), true), {
        timeoutMs: Math.min(remaining(), 15_000),
        abort: () => exitedReason(redis),
      });
    } else {
      await pingRedis(redisUrl, 3_000).catch((err: Error) => {
        throw new Error(`${err.message}: start Redis, set REDIS_URL, or use --own-redis / { ownRedis: true }`);
      });
    }

    // nginx's certificate: self-signed for localhost and 127.0.0.1, a fresh one per run.
    const tlsDir = join(dir, 'tls');
    mkdirSync(tlsDir);
    const certPath = join(tlsDir, 'cert.pem');
    const keyPath = join(tlsDir, 'key.pem');
    generateSelfSignedCert(opensslBin, certPath, keyPath);

    // Gateway nodes, all started at once, each waited for on /readyz.
    const apiSecret = options.apiSecret ?? randomBytes(48).toString('base64url');
    const redisKeyPrefix = options.redisKeyPrefix ?? '';
    const nodeEnv = (id: string, port: number): NodeJS.ProcessEnv => ({
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      API_SECRET: apiSecret,
      NODE_ID: id,
      NODE_ENV: 'production',
      TRUST_PROXY: '1',
      DOMAIN_URL: 'https://localhost',
      LOG_LEVEL: 'warn',
      MCP_POOL_SIZE: '1',
      LEADLOVERS_DB_PATH: join(dir, 'embedded.sqlite'),
      REDIS_KEY_PREFIX: redisKeyPrefix,
      // A developer's ./.env must not change the topology under test: point the loader at a missing file.
      ENV_FILE: join(dir, 'no.env'),
      ...options.env,
    });
    const startNode = async (index: number): Promise<LocalNode> => {
      const id = `node-${index + 1}`;
      let port = nodePorts[index] as number;
      for (let attempt = 1; ; attempt++) {
        const node = startProcess(id, process.execPath, [...GATEWAY_NODE_FLAGS, '--import', 'tsx', 'apps/gateway/src/main.ts'], { cwd: REPO_ROOT, env: nodeEnv(id, port), onLine: options.onLine });
        processes.push(node);
        tails.set(id, node);
        try {
          await waitFor(
            `${id} /readyz`,
            async () => ((await probe(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 2_000 })).status === 200 ? true : undefined),
            { timeoutMs: remaining(), intervalMs: 250, abort: () => exitedReason(node) },
          );
          return { id, port, pid: node.pid };
        } catch (err) {
          if (attempt >= 3 || stopped || !lostPortRace(node)) throw err;
          [port] = (await freePorts(1)) as [number];
        }
      }
    };
    const nodes = await Promise.all(Array.from({ length: nodeCount }, (_, index) => startNode(index)));

    // nginx with the rendered nginx.conf, in the foreground, logging under its prefix.
    const nginxDir = join(dir, 'nginx');
    for (const sub of ['', 'logs', 'cache']) mkdirSync(join(nginxDir, sub), { recursive: true });
    const confPath = join(nginxDir, 'nginx.conf');
    const caCert = readFileSync(certPath, 'utf8');
    let httpsUrl = '';
    for (let attempt = 1; ; attempt++) {
      writeFileSync(
        confPath,
        renderNginxConfFile(join(REPO_ROOT, 'nginx.conf'), {
          upstreams: nodes.map((node) => `127.0.0.1:${node.port}`),
          httpPort: ports.http,
          httpsPort: ports.https,
          certPath,
          keyPath,
          prefixDir: nginxDir,
        }),
      );
      const nginx = startProcess('nginx', nginxBin, ['-p', nginxDir, '-c', confPath, '-e', 'stderr', '-g', 'daemon off;'], { onLine: options.onLine });
      processes.push(nginx);
      tails.set('nginx', nginx);
      httpsUrl = `https://127.0.0.1:${ports.https}`;
      try {
        await waitFor(
          'nginx https /healthz',
          async () => ((await probe(`${httpsUrl}/healthz`, { ca: caCert, timeoutMs: 2_000 })).status === 200 ? true : undefined),
          { timeoutMs: Math.min(remaining(), 20_000), abort: () => exitedReason(nginx) },
        );
        break;
      } catch (err) {
        const fixed = options.httpPort !== undefined || options.httpsPort !== undefined;
        if (attempt >= 3 || fixed || !lostPortRace(nginx)) throw err;
        const [http, https] = (await freePorts(2)) as [number, number];
        ports.http = http;
        ports.https = https;
      }
    }

    return {
      httpsUrl,
      httpUrl: `http://127.0.0.1:${ports.http}`,
      nodes,
      redisUrl,
      redisKeyPrefix,
      apiSecret,
      caCert,
      certPath,
      accessLogPath: join(nginxDir, 'logs', 'access.log'),
      logTail: (source, lines) => tails.get(source)?.tail(lines) ?? '',
      stop,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const details = [...tails.values()]
      .filter((p) => !message.includes(`${p.name} exited`))
      .map((p) => ({ name: p.name, tail: p.tail(15) }))
      .filter((p) => p.tail.trim() !== '')
      .map((p) => `--- ${p.name} ---\n${p.tail}`)
      .join('\n');
    await stop();
    if (err instanceof Error && details) err.message += `\n${details}`;
    throw err;
  }
}

/** True when the process died because another process took its port between freePorts() and its bind. */
function lostPortRace(managed: ManagedProcess): boolean {
  return managed.exitStatus() !== undefined && /EADDRINUSE|Address already in use/.test(managed.tail(50));
}

function exitedReason(managed: ManagedProcess): string | undefined {
  const status = managed.exitStatus();
  return status === undefined ? undefined : `${managed.name} exited (${status}):\n${managed.tail(30)}`;
}

/** A self-signed certificate for localhost and 127.0.0.1, valid two days (a fresh one per run). */
export function generateSelfSignedCert(opensslBin: string, certPath: string, keyPath: string): void {
  const result = spawnSync(
    opensslBin,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyPath, '-out', certPath],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(`openssl could not create a self-signed certificate: ${result.error?.message ?? result.stderr}`);
  chmodSync(keyPath, 0o600);
}
