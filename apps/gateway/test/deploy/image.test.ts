// The image without Docker: deploy/Dockerfile and .dockerignore parsed, and the Dockerfile's own `pnpm deploy
// --prod` step run into a temporary directory (offline, from the local store) — that directory is the final
// stage's /app. It holds no dev dependency, no TypeScript loader and no TypeScript source, and the gateway runs
// from it exactly as the image's CMD starts it: ready, serving the console, /client.js and a prompt, with MCP
// children that run compiled JavaScript too. The workspace's own `pnpm start` is checked the same way.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import { commandLine, ensureBuilt, REPO, startCompiledGateway, type CompiledGateway } from '../helpers/compiled.js';
import { sendPrompt, type Client } from '../helpers/gateway.js';

const dockerfile = readFileSync(join(REPO, 'deploy/Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(REPO, '.dockerignore'), 'utf8');
const rootPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  packageManager: string;
  engines: { node: string };
  scripts: Record<string, string>;
};
const SECRET = 'image-test-secret-0123456789-abcdefghijklmnop';
/** What must never reach a production install: the build and test tools, TypeScript loaders included. */
const TOOLING = ['typescript', 'tsx', 'esbuild', 'vitest', 'vite', 'eslint', 'dependency-cruiser', 'fast-check', 'playwright-core'];

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's stages, each a list of instructions (continuation lines joined, comments dropped). */
function stages(text: string): Instruction[][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const result: Instruction[][] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    if (op.toUpperCase() === 'FROM') result.push([]);
    result.at(-1)?.push({ op: op.toUpperCase(), args: rest.join(' ') });
  }
  return result;
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The packages in a pnpm virtual store (`node_modules/.pnpm/<name>@<version>…/node_modules/<name>`), and every
 * name that one of the third-party ones depends on (what may be there without being a dependency of ours).
 */
function storePackages(dir: string): { installed: Set<string>; requiredByThirdParty: Set<string> } {
  const installed = new Set<string>();
  const requiredByThirdParty = new Set<string>();
  for (const entry of readdirSync(join(dir, 'node_modules/.pnpm'))) {
    const match = /^((?:@[^+]+\+)?[^@]+)@/.exec(entry);
    if (!match?.[1]) continue;
    const name = match[1].replace('+', '/');
    installed.add(name);
    if (name.startsWith('@leadlovers/')) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules/.pnpm', entry, 'node_modules', name, 'package.json'), 'utf8')) as Manifest;
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) requiredByThirdParty.add(dep);
  }
  return { installed, requiredByThirdParty };
}

/** Our packages' development dependencies that none of them needs in production. */
function devOnlyDependencies(): string[] {
  const manifests = ['package.json', ...['apps', 'packages'].flatMap((group) => readdirSync(join(REPO, group)).map((name) => `${group}/${name}/package.json`))]
    .filter((file) => existsSync(join(REPO, file)))
    .map((file) => JSON.parse(readFileSync(join(REPO, file), 'utf8')) as Manifest);
  const production = new Set(manifests.flatMap((manifest) => Object.keys(manifest.dependencies ?? {})));
  return [...new Set(manifests.flatMap((manifest) => Object.keys(manifest.devDependencies ?? {})))].filter((name) => !production.has(name));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => statSync(join(dir, file)).isFile());
}

/** Docker's .dockerignore matching (Go filepath.Match per pattern, `**` for any depth, `!` re-includes; last wins). */
function ignoredByDocker(path: string): boolean {
  let ignored = false;
  for (const raw of dockerignore.split('\n').map((line) => line.trim())) {
    if (!raw || raw.startsWith('#')) continue;
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const source = pattern
      .split('/')
      .map((part) => (part === '**' ? '(?:.*)' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    // A pattern naming a directory excludes everything under it.
    if (new RegExp(`^${source}(?:/.*)?$`).test(path)) ignored = !negate;
  }
  return ignored;
}

describe('deploy/Dockerfile and .dockerignore', () => {
  const [build, final] = stages(dockerfile) as [Instruction[], Instruction[]];

  it('two stages on Node 24; pnpm pinned from packageManager; the final stage copies only the deploy output', () => {
    expect(stages(dockerfile)).toHaveLength(2);
    for (const stage of [build, final]) expect(stage[0]?.args).toMatch(/^node:24[-.\w]*(\s+AS\s+\w+)?$/i);
    expect(rootPackage.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    const install = build.find((step) => step.op === 'RUN' && /npm install -g/.test(step.args));
    expect(install?.args).toContain(`require('./package.json').packageManager`);
    expect(build.findIndex((step) => step.op === 'COPY' && step.args === 'package.json ./')).toBeLessThan(build.indexOf(install!));
    const copies = final.filter((step) => step.op === 'COPY');
    expect(copies.map((step) => step.args)).toEqual(['--from=build /deploy /app']);
  });

  it('the final stage runs the compiled gateway under tini, as the node user, health-checked on PORT', () => {
    const entrypoint = final.find((step) => step.op === 'ENTRYPOINT');
    expect(JSON.parse(entrypoint?.args ?? '[]')).toEqual(['/usr/bin/tini', '--']);
    expect(final.some((step) => step.op === 'RUN' && /apt-get install .*\btini\b/.test(step.args))).toBe(true);
    const cmd = JSON.parse(final.find((step) => step.op === 'CMD')?.args ?? '[]') as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('dist/main.js');
    expect(cmd.join(' ')).not.toMatch(/tsx|--import|--loader|\.ts\b/);
    expect(final.find((step) => step.op === 'USER')?.args).toBe('node');
    const health = final.find((step) => step.op === 'HEALTHCHECK')?.args ?? '';
    expect(health).toContain('process.env.PORT');
    expect(health).not.toMatch(/:4444\//);
    expect(final.find((step) => step.op === 'ENV')?.args).toMatch(/NODE_ENV=production/);
  });

  it('.dockerignore keeps out .git, node_modules, builds, .env files, secrets and bench results, and keeps the sources', () => {
    for (const path of ['.git/HEAD', 'node_modules/x/index.js', 'apps/gateway/node_modules/ioredis/package.json', 'apps/gateway/dist/main.js', '.env', '.env.local', 'bench/results/latest.json', 'bench/results/bench-1.json', 'test-artifacts/faults-summary.json', 'data/embedded.sqlite', 'deploy/tls/key.pem', 'dump.rdb', 'npm-debug.log']) {
      expect(ignoredByDocker(path), path).toBe(true);
    }
    const tracked = execFileSync('git', ['ls-files'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
    const needed = tracked.filter((file) => /^(package\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml|tsconfig[\w.-]*\.json|(apps|packages)\/[^/]+\/(package\.json|tsconfig[\w.-]*\.json|src\/.*|public\/.*|build\.ts|scripts\/.*))$/.test(file));
    expect(needed.length).toBeGreaterThan(100);
    expect(needed.filter(ignoredByDocker)).toEqual([]);
    expect(ignoredByDocker('.env.example')).toBe(false);
  });
});

describe('the image contents, built without Docker (the Dockerfile’s pnpm deploy step)', () => {
  let out: string;
  let gateway: CompiledGateway | undefined;

  beforeAll(() => {
    ensureBuilt();
    out = mkdtempSync(join(tmpdir(), 'image-deploy-'));
    const step = stages(dockerfile)[0]!.find((instruction) => instruction.op === 'RUN' && / deploy --prod /.test(instruction.args));
    const argv = step!.args.split(/\s+/);
    expect(argv.at(-1)).toBe('/deploy');
    // The same command, into our directory, from the local store (offline).
    execFileSync(argv[0]!, [...argv.slice(1, -1), '--offline', join(out, 'app')], { cwd: REPO, encoding: 'utf8', timeout: 240_000, stdio: 'pipe' });
  }, 300_000);

  afterAll(async () => {
    await gateway?.stop();
    if (out) rmSync(out, { recursive: true, force: true });
  }, 30_000);

  it('has production dependencies only: no dev dependency, no TypeScript loader, no TypeScript source of ours', () => {
    const app = join(out, 'app');
    const { installed, requiredByThirdParty } = storePackages(app);
    expect(installed.size).toBeGreaterThan(50);
    expect(installed.has('better-sqlite3') && installed.has('socket.io')).toBe(true);
    expect(TOOLING.filter((name) => installed.has(name))).toEqual([]);
    const devOnly = devOnlyDependencies();
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'tsx', 'esbuild', 'vitest', '@types/better-sqlite3']));
    // A dev dependency of ours is there only as a third party's own dependency (socket.io depends on @types/node).
    expect(devOnly.filter((name) => installed.has(name) && !requiredByThirdParty.has(name))).toEqual([]);
    // Our packages as they are deployed: compiled JavaScript and declarations, no src/.
    const ours = [app, ...readdirSync(join(app, 'node_modules/@leadlovers')).map((name) => join(app, 'node_modules/@leadlovers', name))];
    expect(ours.map((dir) => relative(app, dir).replace('node_modules/@leadlovers/', '')).sort()).toEqual(['', 'client', 'console', 'mcp-server', 'protocol', 'tool-result', 'tools']);
    for (const dir of ours) {
      const files = filesUnder(dir).filter((file) => !file.startsWith('node_modules/'));
      expect(files.filter((file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)), dir).toEqual([]);
      expect(existsSync(join(dir, 'src')), `${dir}/src`).toBe(false);
    }
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@leadlovers/mcp-server/dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@leadlovers/client/dist/bundle/client.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@leadlovers/console/public/index.html'))).toBe(true);
  });

  it("runs as the image's CMD starts it: ready, console, /client.js and a prompt, compiled MCP children, no tsx", async () => {
    const final = stages(dockerfile)[1]!;
    const cmd = JSON.parse(final.find((step) => step.op === 'CMD')!.args) as string[];
    mkdirSync(join(out, 'data'));
    gateway = await startCompiledGateway(cmd.slice(1), join(out, 'app'), {
      NODE_ENV: 'production',
      API_SECRET: SECRET,
      DOMAIN_URL: 'http://localhost',
      LEADLOVERS_DB_PATH: join(out, 'data/embedded.sqlite'),
      LOG_LEVEL: 'info',
    });
    expect(commandLine(gateway.child.pid!).join(' ')).not.toMatch(/tsx|--import|\.ts\b/);
    const children = gateway.children();
    expect(children).toHaveLength(2);
    for (const child of children) {
      expect(child.join(' ')).not.toMatch(/tsx|--import|\.ts\b/);
      expect(realpathSync(child.at(-1)!)).toBe(realpathSync(join(out, 'app/node_modules/@leadlovers/mcp-server/dist/main.js')));
    }
    expect((await fetch(`${gateway.url}/`)).status).toBe(200);
    const bundle = await fetch(`${gateway.url}/client.js`);
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('createGatewayClient');
    const socket: Client = io(gateway.url, { auth: { token: await mintToken(SECRET, { userId: 'image-user', account: 'image' }) }, transports: ['websocket'] });
    try {
      expect(await sendPrompt(socket, 'Liste todas as máquinas disponíveis')).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    } finally {
      socket.disconnect();
    }
  }, 90_000);
});

describe('pnpm start in the workspace', () => {
  let gateway: CompiledGateway | undefined;
  afterAll(async () => gateway?.stop(), 30_000);

  it('runs the compiled gateway, whose MCP children run compiled JavaScript: no TypeScript loader anywhere', async () => {
    ensureBuilt();
    const [command, ...args] = rootPackage.scripts.start!.split(/\s+/);
    expect(command).toBe('node');
    expect(args.join(' ')).not.toMatch(/tsx|--import|\.ts\b/);
    const dir = mkdtempSync(join(tmpdir(), 'start-data-'));
    try {
      gateway = await startCompiledGateway(args, REPO, { LEADLOVERS_DB_PATH: join(dir, 'embedded.sqlite') });
      const children = gateway.children();
      expect(children).toHaveLength(2);
      for (const child of children) expect(child).toEqual([process.execPath, join(REPO, 'apps/mcp-server/dist/main.js')]);
      expect((await fetch(`${gateway.url}/client.js`)).status).toBe(200);
      expect(gateway.output()).toContain('DEV MODE');
    } finally {
      await gateway?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
