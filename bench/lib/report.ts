// What a run prints and saves: the machine header, the latency and broadcast tables, and the JSON file under
// bench/results (gitignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { BroadcastResult } from './broadcast.js';
import { ms, type Summary } from './stats.js';
import { formatTable } from './table.js';

export const TARGET_DIFF_MS = 5;

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  loadavg: number[];
}

export interface ClusterReport {
  startedAt: string;
  machine: Machine;
  loadavgAtEnd: number[];
  settings: Record<string, number | string>;
  latency: {
    rounds: number;
    failures: { kick: number; floor: number };
    kickFromHandshake: Summary;
    kickFromConnectStart: Summary;
    floor: Summary;
    p99DiffMs: number;
  };
  broadcast: { gateway: BroadcastResult; floor: BroadcastResult };
}

export function describeMachine(): Machine {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', node: process.version, loadavg: loadavg().map(ms) };
}

export const header = (m: Machine): string =>
  `bench:cluster — ${m.cpus} × ${m.cpuModel}, node ${m.node}, load average ${m.loadavg.join(' ')} (1/5/15 min)`;

export function renderReport(r: ClusterReport): string {
  const { latency: l, broadcast: b } = r;
  const row = (name: string, s: Summary) => [name, s.n, ms(s.p50), ms(s.p99), ms(s.max), ms(s.mean)];
  const latency = formatTable(
    `Cross-node kick vs floor (ms; ${l.rounds} alternating rounds; failures: kick ${l.failures.kick}, floor ${l.failures.floor})`,
    ['span', 'n', 'p50', 'p99', 'max', 'mean'],
    [
      row('kick: new connect event → old disconnect', l.kickFromHandshake),
      row('kick: new connect() call → old disconnect', l.kickFromConnectStart),
      row('floor: disconnectSockets(true) → disconnect', l.floor),
    ],
  );
  const verdict = l.p99DiffMs <= TARGET_DIFF_MS ? 'within' : 'over';
  const diff =
    `p99(kick from handshake) − p99(floor) = ${ms(l.p99DiffMs)} ms: ${verdict} the ≤ ${TARGET_DIFF_MS} ms target ` +
    `(the target assumes an idle machine; this run's 1-min load was ${r.machine.loadavg[0]} → ${r.loadavgAtEnd[0]} on ${r.machine.cpus} cpus)`;
  const brow = (name: string, x: BroadcastResult) => [name, x.clients, x.emitted, x.received, `${(x.fraction * 100).toFixed(2)}%`, Math.round(x.elapsedMs), Math.round(x.deliveriesPerSecond)];
  const broadcast = formatTable(
    'Cross-node broadcast to one room (clients spread over 2 nodes, emitted from node 0)',
    ['server', 'clients', 'events', 'received', 'delivered', 'elapsed ms', 'deliveries/s'],
    [brow('gateway io.to(account:…).emit', b.gateway), brow('bare Socket.IO + redis adapter', b.floor)],
  );
  return [header(r.machine), '', latency, diff, '', broadcast, ''].join('\n');
}

/** Writes bench/results/cluster-<timestamp>.json and returns its path. */
export function writeReport(r: ClusterReport): string {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`cluster-${r.startedAt.replace(/[:.]/g, '-')}.json`, dir);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file.pathname;
}
