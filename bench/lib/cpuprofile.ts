// Where the time goes: self time per function and per module (package or repo file) from a V8 .cpuprofile.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time in (idle): the main thread waiting for I/O. */
  idlePercent: number;
  functions: HotSpot[];
  modules: HotSpot[];
}

const REPO = /\/work\/[^/]+\/|.*?\/(?=apps\/|packages\/|bench\/)/;

/** "socket.io-parser", "apps/gateway/src/core/request.ts", "node:internal/streams", "(garbage collector)". */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url.replace(/^file:\/\//, '').replace(REPO, '');
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    // timeDeltas[i] is the gap before sample i; the time spent in sample i's frame is the gap after it (as
    // DevTools counts). timeDeltas[0] runs from Profiler.start, inside the inspector call that started it.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (!node || micros <= 0) return;
    total += micros;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') idle += micros;
    // No line numbers: tsx compiles each file to one line, so they would all read :1.
    const where = url ? ` (${moduleOf(url, functionName)})` : '';
    const key = `${functionName || '(anonymous)'}${where}`;
    fn.set(key, (fn.get(key) ?? 0) + micros);
    const m = moduleOf(url, functionName);
    mod.set(m, (mod.get(m) ?? 0) + micros);
  });
  const rank = (map: Map<string, number>): HotSpot[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, selfMs: Math.round(micros / 100) / 10, percent: total ? Math.round((micros / total) * 1000) / 10 : 0 }));
  return { totalMs: Math.round(total / 1000), idlePercent: total ? Math.round((idle / total) * 1000) / 10 : 0, functions: rank(fn), modules: rank(mod) };
}
