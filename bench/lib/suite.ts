// The suite's report: one row per figure — the gateway's value, the floor's, their ratio, the target and its
// verdict — printed as one table and written as JSON under bench/results (bench-<timestamp>.json and latest.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Machine } from './report.js';
import { formatTable, type Cell } from './table.js';

export type Verdict = 'PASS' | 'MISS' | 'info' | 'FAIL';

export interface Row {
  section: string;
  figure: string;
  gateway: Cell;
  floor: Cell;
  /** gateway / floor (or as the figure says). */
  ratio: number | undefined;
  target: string;
  verdict: Verdict;
  note?: string;
}

export interface SuiteReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: Machine;
  loadavgAtEnd: number[];
  settings: Record<string, unknown>;
  rows: Row[];
  /** Raw measurements per section (phases, samples of RSS, the cluster report, the profile summary…). */
  sections: Record<string, unknown>;
  errors: Record<string, string>;
}

/** `value ≤ limit` (or ≥): PASS/MISS; a missing value is FAIL (the measurement itself broke). */
export function judge(value: number | undefined, op: '≤' | '≥', limit: number): Verdict {
  if (value === undefined || !Number.isFinite(value)) return 'FAIL';
  return (op === '≤' ? value <= limit : value >= limit) ? 'PASS' : 'MISS';
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return Math.round((a / b) * 100) / 100;
}

export function renderRows(rows: readonly Row[]): string {
  const cells = rows.map((r) => [`${r.section}: ${r.figure}`, r.gateway, r.floor, r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`, r.target, r.verdict]);
  const table = formatTable('Gateway vs floor (medians over alternating phases; ratio = gateway ÷ floor unless the figure says otherwise)', ['figure', 'gateway', 'floor', 'ratio', 'target', 'verdict'], cells);
  const notes = rows.filter((r) => r.note).map((r) => `  · ${r.figure}: ${r.note}`);
  return notes.length ? `${table}\nnotes:\n${notes.join('\n')}` : table;
}

/** Writes bench/results/bench-<timestamp>.json and bench/results/latest.json; returns the first path. */
export function writeSuite(report: SuiteReport): string {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const file = new URL(`bench-${report.startedAt.replace(/[:.]/g, '-')}.json`, dir);
  writeFileSync(file, text);
  writeFileSync(new URL('latest.json', dir), text);
  return file.pathname;
}
