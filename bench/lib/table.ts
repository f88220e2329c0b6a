// A plain-text table: the first column left-aligned, the others (numbers) right-aligned.

export type Cell = string | number;

export function formatTable(title: string, headers: readonly string[], rows: readonly Cell[][]): string {
  const text = [headers, ...rows].map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((_, col) => Math.max(...text.map((row) => (row[col] ?? '').length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [title, line(text[0] ?? []), rule, ...text.slice(1).map(line)].join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
