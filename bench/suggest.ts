// suggest-prompts latency on a warm cache: the engine alone and the whole service (memory history store) over a
// few thousand partials — every prefix of every suggestion a demo account can get, plus history prompts and
// misses — for the embedded demo account and for a large one (12 machines × 6 sequences). Target: p99 < 5 ms.
// Wall time and CPU time are both reported: on a loaded machine the wall time mostly measures waiting for a core.
// Run: npx tsx bench/suggest.ts
import { loadavg } from 'node:os';
import type { HistoryEntry } from '../packages/protocol/src/index.js';
import { DEMO_MACHINES } from '../apps/mcp-server/src/backend/embedded/demo-catalog.js';
import { createLogger } from '../apps/gateway/src/shared/logger.js';
import type { ToolRunner } from '../apps/gateway/src/mcp/types.js';
import { MemoryHistoryStore } from '../apps/gateway/src/store/history.js';
import { buildDataCandidates, genericCandidates, textOf, type AccountData, type Candidate } from '../apps/gateway/src/suggest/candidates.js';
import { suggestPrompts } from '../apps/gateway/src/suggest/engine.js';
import { PlanMemo } from '../apps/gateway/src/suggest/plans.js';
import { createSuggestionService } from '../apps/gateway/src/suggest/service.js';
import { percentile } from './lib/stats.js';

const DEMO: AccountData = {
  machines: DEMO_MACHINES.map((m) => ({ code: m.code, name: m.name, sequences: m.sequences.map((s) => ({ code: s.code, name: s.name })) })),
};
const LARGE: AccountData = {
  machines: Array.from({ length: 12 }, (_, i) => ({
    code: 100_000 + i * 17,
    name: `Funil ${['Perpétuo', 'Webinar', 'Lançamento', 'Evergreen'][i % 4]} ${i + 1}`,
    sequences: Array.from({ length: 6 }, (_, j) => ({ code: 9_000 + i * 10 + j, name: `Sequência ${j + 1} — ${['boas-vindas', 'vendas', 'carrinho'][j % 3]}` })),
  })),
};

function historyOf(n: number): HistoryEntry[] {
  const prompts = [
    'Liste os leads da máquina 12345', 'Mostre os leads de hoje', 'Quais são as minhas máquinas', 'Crie um lead chamado Ana com email ana@example.com',
    'Atualize o score do lead ana@example.com para 80', 'Gere um email de Natal para clientes', 'Show leads from yesterday', 'Liste as sequências da máquina 23456',
  ];
  return Array.from({ length: n }, (_, i) => ({
    requestId: `h${i}`,
    kind: 'prompt' as const,
    input: `${prompts[i % prompts.length]}${i >= prompts.length ? ` ${i}` : ''}`,
    at: new Date(Date.now() - i * 60_000).toISOString(),
    response: { isSuccess: i % 5 !== 0, requestId: `h${i}`, metadata: { executionTime: 1 } },
  }));
}

function partialsFor(candidates: readonly Candidate[], history: readonly HistoryEntry[]): string[] {
  const sources = [...candidates.map((c) => textOf(c)), ...genericCandidates('pt').map((c) => textOf(c)), ...genericCandidates('en').map((c) => textOf(c)), ...history.map((h) => h.input)];
  const partials: string[] = [''];
  for (const text of sources) {
    for (let end = 1; end <= text.length; end += 3) partials.push(text.slice(0, end));
  }
  partials.push('leads da máq', 'sequências da black', 'xyzzy plugh', 'LISTE OS LEADS DA MAQUINA', 'quais são os leads da nutri', 'list the', 'sho');
  // Long partials: up to the engine's 1000-character cut-off (longer ones get no suggestions at once).
  partials.push('leads '.repeat(166), 'de '.repeat(333), 'x'.repeat(1000), `Liste ${'os leads da máquina 12345 '.repeat(40)}`.slice(0, 1000), 'x'.repeat(4000));
  return partials;
}

interface Samples {
  wall: number[];
  cpu: number[];
}

/** Times one call: wall clock and this process's CPU time (user + system), in ms. */
async function timed(samples: Samples, run: () => unknown): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  samples.wall.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  samples.cpu.push((used.user + used.system) / 1000);
}

function line(label: string, samples: Samples): string {
  const f = (v: number) => v.toFixed(3).padStart(7);
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `p50=${f(percentile(sorted, 50))} p99=${f(percentile(sorted, 99))} max=${f(sorted.at(-1) ?? NaN)}`;
  };
  return `${label.padEnd(50)} n=${String(samples.wall.length).padStart(5)}  wall ms ${stats(samples.wall)}  cpu ms ${stats(samples.cpu)}\n`;
}

async function benchEngine(label: string, account: AccountData): Promise<void> {
  const memo = new PlanMemo();
  const data = await buildDataCandidates(account, memo);
  const history = historyOf(50);
  const partials = partialsFor(data, history);
  // Warm-up pass: fills the plan memo, as a running gateway's would be.
  for (const partial of partials) suggestPrompts({ partial, history, data }, memo);
  const samples: Samples = { wall: [], cpu: [] };
  for (const partial of partials) await timed(samples, () => suggestPrompts({ partial, history, data }, memo));
  process.stdout.write(line(`engine, warm, ${label}`, samples));
  // Worst case: a brand-new plan memo (first use after start), so every text offered is planned and checked.
  const cold: Samples = { wall: [], cpu: [] };
  for (const partial of partials.slice(0, 1_000)) await timed(cold, () => suggestPrompts({ partial, history, data }, new PlanMemo()));
  process.stdout.write(line(`engine, cold plan memo, ${label}`, cold));
}

async function benchService(): Promise<void> {
  const runner: ToolRunner = {
    listTools: async () => [],
    stats: () => ({ workers: 1, readyWorkers: 1, inFlight: 0, queued: 0, childRestarts: 0 }),
    close: async () => undefined,
    async callTool(request) {
      if (request.name === 'get_machines') return { ok: true, data: { machines: DEMO.machines.map((m) => ({ MachineCode: m.code, MachineName: m.name })) } };
      const machine = DEMO.machines.find((m) => m.code === request.arguments.machineCode);
      return { ok: true, data: { sequences: (machine?.sequences ?? []).map((s) => ({ SequenceCode: s.code, SequenceName: s.name })) } };
    },
  };
  const history = new MemoryHistoryStore(100);
  const user = { id: 'bench-user', account: 'bench-account' };
  for (const entry of historyOf(50).reverse()) await history.append(user.id, entry);
  const service = createSuggestionService({ runner, history, logger: createLogger('silent') });
  service.warm(user);
  await service.settled(user.account);
  const partials = partialsFor(await buildDataCandidates(DEMO, new PlanMemo()), historyOf(50));
  for (const partial of partials) await service.suggest(user, { partial });
  const samples: Samples = { wall: [], cpu: [] };
  for (const partial of partials) await timed(samples, () => service.suggest(user, { partial }));
  process.stdout.write(line('service (memory history), warm, demo account', samples));
}

process.stdout.write(`suggest-prompts benchmark (node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
await benchEngine('demo account', DEMO);
await benchEngine('12 machines x 6 sequences', LARGE);
await benchService();
