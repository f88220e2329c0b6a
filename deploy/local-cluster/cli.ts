// `pnpm cluster:local [--nodes 3] [--own-redis] [--redis-url URL] [--prefix P] [--https-port N] [--http-port N]
// [--verbose]`: the docker-compose cluster topology as local processes (Redis, N gateway nodes, nginx with TLS).
// Prints the URLs and a token command, and stops everything on Ctrl-C.
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { writeBrowserBundle } from '../../packages/client/build.js';
import { startLocalCluster, type LocalCluster } from './cluster.js';

const USAGE = 'usage: pnpm cluster:local [--nodes 3] [--own-redis] [--redis-url redis://…] [--prefix key-prefix:] [--https-port N] [--http-port N] [--verbose]';

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535) throw new Error(`--${name} must be a port number (got ${value})`);
  return parsed;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '3' },
      'own-redis': { type: 'boolean', default: false },
      'redis-url': { type: 'string' },
      prefix: { type: 'string' },
      'https-port': { type: 'string' },
      'http-port': { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error(`--nodes must be 1..16 (got ${values.nodes})`);

  // The nodes run from the sources; their console loads the SDK bundle `pnpm build` writes: written fresh here.
  await writeBrowserBundle(esbuild);
  process.stderr.write(`starting ${nodes} gateway node(s), ${values['own-redis'] ? 'a private redis-server' : 'using Redis at REDIS_URL / 127.0.0.1:6379'} and nginx…\n`);
  // Filled in once started; a signal during start-up exits at once and the exit hook kills what was started.
  const started: { cluster?: LocalCluster } = {};
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the local cluster…\n`);
    (started.cluster?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const cluster = await startLocalCluster({
    nodes,
    ownRedis: values['own-redis'],
    redisUrl: values['redis-url'],
    redisKeyPrefix: values.prefix,
    httpsPort: port(values['https-port'], 'https-port'),
    httpPort: port(values['http-port'], 'http-port'),
    // Warnings and errors of every process, prefixed; --verbose is for when they are needed at all.
    onLine: (source, line) => {
      if (values.verbose || source === 'nginx' || /"level":(40|50|60)/.test(line)) process.stderr.write(`[${source}] ${line}\n`);
    },
  });
  started.cluster = cluster;

  const wss = cluster.httpsUrl.replace(/^https:/, 'wss:');
  const lines = [
    '',
    `local cluster ready (${cluster.nodes.length} node(s), Redis ${cluster.redisUrl}${cluster.redisKeyPrefix ? `, key prefix ${cluster.redisKeyPrefix}` : ''})`,
    `  console / API   ${cluster.httpsUrl}/   (self-signed certificate: ${cluster.certPath})`,
    `  Socket.IO       ${wss}   (nginx, hash $remote_addr consistent)`,
    `  HTTP            ${cluster.httpUrl}/   → redirects to HTTPS`,
    ...cluster.nodes.map((node) => `  ${node.id.padEnd(14)}  http://127.0.0.1:${node.port}   pid ${node.pid}`),
    `  nginx log       ${cluster.accessLogPath}`,
    '',
    'a token for the console or a client:',
    `  API_SECRET='${cluster.apiSecret}' pnpm mint-token dev-user --account demo --ttl 12h`,
    `then open ${cluster.httpsUrl}/#token=<token>, or: io('${wss}', { auth: { token }, ca: <cert> })`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  // Keep running until a signal arrives; the handlers above stop the cluster and exit.
  return new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(1);
  },
);
