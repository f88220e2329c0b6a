// Global setup of `pnpm test:faults` (vitest.faults.config.ts): creates the ledger file the test workers append
// to, and on teardown prints the summary table and fails the run when a response was lost, a process crashed,
// or nothing was recorded at all.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEDGER_ENV, parseLedger, renderSummary, totals } from './ledger.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'faults-ledger-'));
  const file = join(dir, 'ledger.jsonl');
  writeFileSync(file, '');
  process.env[LEDGER_ENV] = file;
  return () => {
    const entries = parseLedger(readFileSync(file, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    const t = totals(entries);
    const table = renderSummary(entries);
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync(join('test-artifacts', 'faults-summary.txt'), `${table}\n`);
    writeFileSync(join('test-artifacts', 'faults-summary.json'), `${JSON.stringify({ totals: t, entries }, null, 2)}\n`);
    process.stdout.write(`\nAttack and fault suite summary\n\n${table}\n\n`);
    const problems: string[] = [];
    if (entries.length === 0) problems.push('no scenario recorded anything');
    if (t.lost > 0) problems.push(`${t.lost} responses lost`);
    if (t.crashed > 0) problems.push(`${t.crashed} processes crashed`);
    if (problems.length > 0) {
      process.stdout.write(`FAULT SUITE FAILED: ${problems.join(', ')}\n`);
      process.exitCode = 1;
      throw new Error(`fault suite: ${problems.join(', ')}`);
    }
  };
}
