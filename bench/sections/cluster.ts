// Section 5: the cluster figures of bench/cluster.ts (cross-node kick latency and cross-node broadcast rate,
// each against its own bare Socket.IO + Redis adapter floor), run as a child process with this run's knobs and
// read back from the JSON it writes. It needs Redis (REDIS_URL, default 127.0.0.1:6379).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsxLoader } from '../../apps/gateway/src/mcp/pool/ts-runtime.js';
import { TARGET_DIFF_MS, type ClusterReport } from '../lib/report.js';
import { judge, ratio, type Row } from '../lib/suite.js';
import type { Context, SectionResult } from './context.js';

function runClusterBench(env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader(), fileURLToPath(new URL('../cluster.ts', import.meta.url))], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    // SIGINT first: bench/cluster.ts then stops its rounds and cleans its Redis keys; SIGKILL if that hangs.
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const wrote = /^wrote (.+\.json)$/m.exec(out)?.[1];
      if (code === 0 && wrote) resolve(wrote);
      else reject(new Error(`bench/cluster.ts exited (code ${code}, signal ${signal}): ${out.trim().split('\n').slice(-3).join(' | ') || 'no output'}`));
    });
  });
}

export async function runCluster(ctx: Context): Promise<SectionResult> {
  const s = ctx.settings;
  ctx.log(`cluster: bench/cluster.ts with ${Object.entries(s.cluster).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const file = await runClusterBench(s.cluster, s.clusterTimeoutMs);
  const report = JSON.parse(readFileSync(file, 'utf8')) as ClusterReport;
  const { latency: l, broadcast: b } = report;
  const section = 'cluster';
  const rows: Row[] = [
    {
      section,
      figure: `cross-node kick p50 / p99 ms (${l.rounds} rounds)`,
      gateway: `${l.kickFromHandshake.p50} / ${l.kickFromHandshake.p99}`,
      floor: `${l.floor.p50} / ${l.floor.p99}`,
      ratio: ratio(l.kickFromHandshake.p99, l.floor.p99),
      target: `p99 − floor ≤ ${TARGET_DIFF_MS} ms`,
      verdict: l.failures.kick ? 'FAIL' : judge(l.p99DiffMs, '≤', TARGET_DIFF_MS),
      note: `p99 difference ${l.p99DiffMs} ms; kick = new socket's connect → old socket's disconnect; floor = disconnectSockets(true) across bare servers; failures kick ${l.failures.kick}, floor ${l.failures.floor}`,
    },
    {
      section,
      figure: `cross-node broadcast deliveries/s (${b.gateway.clients} clients)`,
      gateway: Math.round(b.gateway.deliveriesPerSecond),
      floor: Math.round(b.floor.deliveriesPerSecond),
      ratio: ratio(b.gateway.deliveriesPerSecond, b.floor.deliveriesPerSecond),
      target: 'all delivered',
      verdict: b.gateway.fraction === 1 ? 'PASS' : 'MISS',
      note: `delivered ${(b.gateway.fraction * 100).toFixed(2)}% (floor ${(b.floor.fraction * 100).toFixed(2)}%) of ${b.gateway.expected} / ${b.floor.expected}`,
    },
  ];
  return { rows, data: { file, report } };
}
