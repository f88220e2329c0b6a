// The attack and fault suite's ledger: every test in apps/gateway/test/security and apps/gateway/test/faults
// records what it tried and what came of it, and the suite's global teardown (summary.ts) adds the lines up
// into the summary table `pnpm test:faults` prints and fails the run on any lost response or crashed process.
// Test workers are separate processes, so entries are appended, one JSON line each, to the file named by
// FAULTS_LEDGER (set by the global setup); outside that suite, recording is a no-op.
import { appendFileSync } from 'node:fs';

export interface LedgerEntry {
  /** Which scenario this is, e.g. 'jwt: alg none' or 'redis outage under load'. */
  scenario: string;
  /** Attacks tried (hostile tokens, payloads, origins, cross-tenant reads...). */
  attacks?: number;
  /** Faults injected (processes killed, Redis stopped, tools hung...). */
  faults?: number;
  /** Prompts or tool calls sent by the test's clients. */
  promptsSent?: number;
  /** Responses (results or coded errors) those clients received. */
  delivered?: number;
  /** Prompts whose response never arrived, or arrived twice after an ack. Must be 0. */
  lost?: number;
  /** Processes (gateway nodes, MCP children) that died without the test killing them. Must be 0. */
  crashed?: number;
}

export const LEDGER_ENV = 'FAULTS_LEDGER';

export function record(entry: LedgerEntry): void {
  const file = process.env[LEDGER_ENV];
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ ...entry, file: process.env.VITEST_TEST_FILE ?? undefined })}\n`);
}

export interface Totals {
  scenarios: number;
  attacks: number;
  faults: number;
  promptsSent: number;
  delivered: number;
  lost: number;
  crashed: number;
}

export function totals(entries: LedgerEntry[]): Totals {
  const sum = (key: keyof Omit<LedgerEntry, 'scenario'>) => entries.reduce((n, e) => n + (e[key] ?? 0), 0);
  return {
    scenarios: entries.length,
    attacks: sum('attacks'),
    faults: sum('faults'),
    promptsSent: sum('promptsSent'),
    delivered: sum('delivered'),
    lost: sum('lost'),
    crashed: sum('crashed'),
  };
}

export function parseLedger(text: string): LedgerEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LedgerEntry);
}

/** The summary table: one row per scenario, then the totals. */
export function renderSummary(entries: LedgerEntry[]): string {
  const t = totals(entries);
  const header = ['scenario', 'attacks', 'faults', 'prompts sent', 'delivered', 'lost', 'crashed'];
  const row = (e: LedgerEntry): string[] => [
    e.scenario,
    String(e.attacks ?? 0),
    String(e.faults ?? 0),
    String(e.promptsSent ?? 0),
    String(e.delivered ?? 0),
    String(e.lost ?? 0),
    String(e.crashed ?? 0),
  ];
  const rows = [header, ...[...entries].sort((a, b) => a.scenario.localeCompare(b.scenario)).map(row)];
  const totalRow = ['TOTAL', String(t.attacks), String(t.faults), String(t.promptsSent), String(t.delivered), String(t.lost), String(t.crashed)];
  rows.push(totalRow);
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(header), rule, ...rows.slice(1, -1).map(line), rule, line(totalRow)];
  return out.join('\n');
}
