// `pnpm load -- <scenario> [--target URL] [--insecure] [--output FILE]`: runs one artillery scenario
// (deploy/artillery/scenarios/<scenario>.yml, or a path) against a gateway and exits with artillery's code, which
// is non-zero when an `ensure` check fails.
//
// artillery 2.0.21 (the last release that runs on Node 20) is large (~600 MB with its AWS and Playwright
// dependencies), so it is not a workspace dependency: the first run installs it into a cache directory outside
// the workspace and later runs reuse it. Without --target, a gateway is started here on a free port (embedded
// defaults, a random API_SECRET) and stopped afterwards; with --target, API_SECRET (and JWT_ISSUER /
// JWT_AUDIENCE when the gateway checks them) must be the target's, as the processor mints each user's token.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/config/node-flags.js';
import { watchMemory } from './memory-watch.js';

const ARTILLERY_VERSION = '2.0.21';
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '../..');
const USAGE = `usage: pnpm load -- <smoke|mix|soak|spike|path.yml> [--target http(s)://host:port] [--insecure] [--output report.json]
  without --target: starts a local gateway on a free port and stops it afterwards
  with --target:    API_SECRET (and JWT_ISSUER / JWT_AUDIENCE if set there) must be the target's
  ARTILLERY_CACHE_DIR overrides where artillery ${ARTILLERY_VERSION} is installed (default ~/.cache/leadlovers-artillery)`;

const log = (line: string): void => {
  process.stderr.write(`[load] ${line}\n`);
};

// ---------------------------------------------------------------------------------------------------------------
// artillery, installed on demand

function cacheDir(): string {
  const base = process.env.ARTILLERY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'leadlovers-artillery');
  return join(base, ARTILLERY_VERSION);
}

/** The artillery entry script, installing it first when the cache has no complete install. */
function ensureArtillery(): string {
  const dir = cacheDir();
  const entry = join(dir, 'node_modules', 'artillery', 'bin', 'run');
  // Written only after npm succeeded: an interrupted install is redone, not half-used.
  const marker = join(dir, '.installed');
  if (existsSync(marker) && existsSync(entry)) return entry;

  mkdirSync(dir, { recursive: true });
  // A package.json of its own, so npm installs here and never walks up into a workspace.
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  log(`installing artillery@${ARTILLERY_VERSION} into ${dir} (once; about a minute and ~600 MB)…`);
  const startedAt = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel', 'error', '--prefix', dir, `artillery@${ARTILLERY_VERSION}`], {
    stdio: 'inherit',
    // artillery depends on Playwright (its browser engine); the scenarios here never need a browser.
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  if (result.status !== 0 || !existsSync(entry)) {
    throw new Error(`npm install artillery@${ARTILLERY_VERSION} failed (${result.error?.message ?? `exit ${String(result.status)}`})`);
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`artillery installed in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  return entry;
}

// ---------------------------------------------------------------------------------------------------------------
// A local gateway

interface LocalGateway {
  url: string;
  secret: string;
  logPath: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/** Variables of the caller's shell or .env that would change what a local run measures. */
const INHERITED_GATEWAY_VARIABLES = [
  'REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD', 'REDIS_TLS',
  'REDIS_PASSWORD', 'REDIS_KEY_PREFIX', 'REDIS_SHARDED', 'JWKS_URL', 'SSO_API_URL', 'JWT_ISSUER', 'JWT_AUDIENCE',
  'PLANNER', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'LEADLOVERS_API_URL', 'LEADLOVERS_API_TOKEN', 'LEADLOVERS_ACCOUNT_TOKENS',
  'LEADLOVERS_ACCOUNT_TOKENS_FILE', 'LEADLOVERS_ACCOUNT', 'MAX_CONNECTIONS', 'MAX_RSS_MB', 'METRICS_PORT', 'METRICS_TOKEN', 'PUBLIC_URL',
];

async function startLocalGateway(): Promise<LocalGateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = randomBytes(48).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'leadlovers-load-'));
  const logPath = join(dir, 'gateway.log');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_GATEWAY_VARIABLES) delete env[name];
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DOMAIN_URL: url,
    API_SECRET: secret,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    // Every virtual user connects from 127.0.0.1: the per-address handshake limit would cap the arrival rate.
    CONNECT_ATTEMPTS_PER_MINUTE: '1000000',
    // A fresh embedded store per run; the repository's ./.env must not change what is measured.
    LEADLOVERS_DB_PATH: join(dir, 'embedded.sqlite'),
    ENV_FILE: join(dir, 'no.env'),
    DRAIN_TIMEOUT_MS: '2000',
  });
  const out = createWriteStream(logPath);
  // Started as deployed: the production V8 flags (apps/gateway/src/node-flags.ts).
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, '--import', 'tsx', 'apps/gateway/src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });

  const stop = async (): Promise<void> => {
    if (!exited(child)) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 15_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    out.end();
  };
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });

  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited(child)) break;
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        log(`local gateway ready at ${url} (pid ${String(child.pid)}, log ${logPath})`);
        return {
          url,
          secret,
          logPath,
          stop: async () => {
            await stop();
            removeDir();
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  const tail = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n') : '';
  removeDir();
  throw new Error(`the local gateway did not become ready (${exited(child) ? `exited with ${String(child.exitCode ?? child.signalCode)}` : 'timeout'}):\n${tail}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The run

function scenarioPath(name: string): string {
  const candidates = [resolve(name), join(HERE, 'scenarios', `${name}.yml`)];
  const found = candidates.find((path) => /\.ya?ml$/.test(path) && existsSync(path));
  if (!found) throw new Error(`no scenario "${name}": use smoke, mix, soak, spike or a path to a .yml file`);
  return found;
}

function runArtillery(entry: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd: REPO_ROOT, env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveRun(code ?? (signal ? 128 : 1));
    });
  });
}

interface ArtilleryReport {
  aggregate?: {
    counters?: Record<string, number>;
    summaries?: Record<string, { min: number; max: number; median: number; p95: number; p99: number; count: number }>;
  };
}

/** One screen of the figures that matter here, after artillery's own summary. */
function digest(reportPath: string): string {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ArtilleryReport;
  const counters = report.aggregate?.counters ?? {};
  const summaries = report.aggregate?.summaries ?? {};
  const lines = [
    `vusers created ${counters['vusers.created'] ?? 0}, completed ${counters['vusers.completed'] ?? 0}, failed ${counters['vusers.failed'] ?? 0}; ` +
      `prompts ok ${counters['prompt.ok'] ?? 0}; reconnects ${counters['socketio.reconnects'] ?? 0}`,
  ];
  const errors = Object.entries(counters).filter(([name]) => name.startsWith('errors.') || name.startsWith('prompt.failed.'));
  if (errors.length > 0) lines.push(`errors: ${errors.map(([name, n]) => `${name} ${n}`).join(', ')}`);
  for (const name of Object.keys(summaries).filter((key) => /^(socketio|prompt)\./.test(key)).sort()) {
    const s = summaries[name];
    if (s) lines.push(`${name.padEnd(40)} n ${String(s.count).padStart(6)}  p50 ${s.median} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    // `pnpm load -- smoke` may pass the `--` through.
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
    allowPositionals: true,
    options: {
      target: { type: 'string', short: 't' },
      insecure: { type: 'boolean', short: 'k', default: false },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const scenarioName = positionals[0] as string;
  const scenario = scenarioPath(scenarioName);
  if (values.target && !/^(https?|wss?):\/\/[^/]+/.test(values.target)) throw new Error(`--target must be an http(s):// URL (got ${values.target})`);
  if (values.target && !process.env.API_SECRET) throw new Error('with --target, set API_SECRET to the target gateway\'s secret (the processor mints each user\'s token with it)');

  const entry = ensureArtillery();
  const gateway = values.target ? undefined : await startLocalGateway();
  const stopGateway = (): void => {
    void gateway?.stop();
  };
  process.once('SIGINT', stopGateway);
  process.once('SIGTERM', stopGateway);
  try {
    const target = (values.target ?? (gateway as LocalGateway).url).replace(/^ws/, 'http');
    const label = scenarioName.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    const reportPath = resolve(values.output ?? join(REPO_ROOT, 'bench', 'results', `artillery-${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));
    mkdirSync(dirname(reportPath), { recursive: true });
    const args = ['run', '--target', target, '--output', reportPath, ...(values.insecure ? ['--insecure'] : []), scenario];
    log(`artillery ${args.join(' ')}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ARTILLERY_DISABLE_TELEMETRY: 'true',
      ...(gateway ? { API_SECRET: gateway.secret, JWT_ISSUER: '', JWT_AUDIENCE: '' } : {}),
    };
    // METRICS_TOKEN, when the target's /metrics needs it; a target whose /metrics is elsewhere just gets no summary.
    const memory = watchMemory(target, 5_000, process.env.METRICS_TOKEN ? { authorization: `Bearer ${process.env.METRICS_TOKEN}` } : {});
    const code = await runArtillery(entry, args, env);
    const memoryLine = memory.stop();
    if (existsSync(reportPath)) {
      process.stdout.write(`\n${digest(reportPath)}\n${memoryLine}\nreport: ${isAbsolute(reportPath) ? relative(process.cwd(), reportPath) || reportPath : reportPath}\n`);
    }
    if (code !== 0) {
      log(`artillery exited with ${code}${gateway ? '; the local gateway\'s last log lines:' : ''}`);
      if (gateway) process.stderr.write(`${readFileSync(gateway.logPath, 'utf8').split('\n').slice(-15).join('\n')}\n`);
    }
    return code;
  } finally {
    process.off('SIGINT', stopGateway);
    process.off('SIGTERM', stopGateway);
    await gateway?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
