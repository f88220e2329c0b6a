// Start-up cost of a gateway node, from the sources through tsx against compiled (`pnpm build`): time from spawn
// to the first 200 on /readyz (the MCP pool warm), and the resident memory of the gateway process and of one of its
// MCP children once ready (after a short settle). Runs both alternately, `--runs N` times each (default 5), on the
// embedded defaults (dev mode, MCP_POOL_SIZE=2), and prints medians and ranges. Build first: `pnpm build`.
//   npx tsx bench/startup.ts [--runs 5]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../deploy/local-cluster/cluster.js';
import { freePorts } from '../deploy/local-cluster/processes.js';

const USAGE = 'usage: npx tsx bench/startup.ts [--runs 5]   (after pnpm build)';
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}\n${USAGE}`);
if (!existsSync(join(REPO_ROOT, 'apps/gateway/dist/main.js'))) throw new Error(`apps/gateway/dist/main.js is missing: run pnpm build first\n${USAGE}`);

const MODES = {
  tsx: ['--max-semi-space-size=64', '--import', 'tsx', 'apps/gateway/src/main.ts'],
  compiled: ['--max-semi-space-size=64', 'apps/gateway/dist/main.js'],
} as const;
type Mode = keyof typeof MODES;

interface Sample {
  readyMs: number;
  gatewayRssMb: number;
  childRssMb: number;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

function children(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function once(mode: Mode, dataDir: string): Promise<Sample> {
  const [port] = (await freePorts(1)) as [number];
  const started = performance.now();
  const child = spawn(process.execPath, [...MODES[mode]], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'warn', ENV_FILE: '/nonexistent', LEADLOVERS_DB_PATH: join(dataDir, 'embedded.sqlite') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${mode} gateway exited with ${child.exitCode}: ${stderr}`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (performance.now() - started > 60_000) throw new Error(`${mode} gateway not ready after 60 s: ${stderr}`);
      await sleep(10);
    }
    const readyMs = performance.now() - started;
    await sleep(2_000);
    const [mcpChild] = children(child.pid!);
    if (!mcpChild) throw new Error(`${mode} gateway has no MCP child`);
    return { readyMs, gatewayRssMb: rssMb(child.pid!), childRssMb: rssMb(mcpChild) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (xs: number[], digits: number): string => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
try {
  // One unmeasured start of each: seeds the embedded store and warms tsx's compile cache and the page cache.
  for (const mode of Object.keys(MODES) as Mode[]) await once(mode, dataDir);
  const samples: Record<Mode, Sample[]> = { tsx: [], compiled: [] };
  for (let i = 0; i < runs; i++) for (const mode of Object.keys(MODES) as Mode[]) samples[mode].push(await once(mode, dataDir));
  process.stdout.write(`node ${process.version}, ${runs} runs each, median (min–max)\n`);
  process.stdout.write('mode       ready (ms)            gateway RSS (MB)     one MCP child RSS (MB)\n');
  for (const mode of Object.keys(MODES) as Mode[]) {
    const s = samples[mode];
    process.stdout.write(`${mode.padEnd(10)} ${fmt(s.map((x) => x.readyMs), 0).padEnd(21)} ${fmt(s.map((x) => x.gatewayRssMb), 1).padEnd(20)} ${fmt(s.map((x) => x.childRssMb), 1)}\n`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
