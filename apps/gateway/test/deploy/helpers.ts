// Shared by the deploy/ tests: repository paths, YAML loading, promtool, the metric names a gateway registers,
// and the metric names a PromQL expression references.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { ToolRunner } from '../../src/mcp/types.js';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function repoPath(relative: string): string {
  return ROOT + relative;
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/** One YAML document (anchors and `<<` merge keys resolved, as docker compose does). */
export function loadYaml(relative: string): unknown {
  return parse(readRepoFile(relative), { merge: true, strict: true });
}

/** Every document of a multi-document YAML file; a syntax error in any of them fails loudly. */
export function loadYamlDocuments(relative: string): unknown[] {
  const docs = parseAllDocuments(readRepoFile(relative));
  if (!Array.isArray(docs)) throw new Error(`${relative}: no YAML documents`);
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${relative}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return docs.map((doc) => doc.toJS() as unknown).filter((value) => value != null);
}

export interface PromtoolRun {
  status: number | null;
  output: string;
}

/** Runs promtool; without it the calling test fails (never skips) with the way to install it. */
export function promtool(args: string[], cwd = ROOT): PromtoolRun {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    throw new Error(
      `promtool is needed for this test and could not run (${run.error.message}); install it with ` +
        '`apt-get install -y --no-install-recommends prometheus` (.ci/run does)',
    );
  }
  return { status: run.status, output: `${run.stdout}\n${run.stderr}`.trim() };
}

/**
 * The series names one gateway exports: its own metrics (with every optional source present, so the pool and Redis
 * gauges are registered too) and prom-client's defaults; histograms expand to _bucket, _sum and _count.
 */
export function exportedSeriesNames(): { gateway: Set<string>; all: Set<string>; gatewayFamilies: string[] } {
  const runner = {
    stats: () => ({ workers: 1, readyWorkers: 1, inFlight: 0, queued: 0, childRestarts: 0 }),
  } as unknown as ToolRunner;
  const metrics = createMetrics({ runner, isRedisReady: () => true });
  const all = new Set<string>();
  const gatewayFamilies: string[] = [];
  try {
    for (const metric of metrics.registry.getMetricsAsArray()) {
      const { name, type } = metric as unknown as { name: string; type: string };
      all.add(name);
      if (name.startsWith('gateway_')) gatewayFamilies.push(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) all.add(name + suffix);
    }
  } finally {
    metrics.close();
  }
  all.add('up'); // Prometheus' own per-target series
  return { gateway: new Set([...all].filter((name) => name.startsWith('gateway_'))), all, gatewayFamilies };
}

const FUNCTION_OR_KEYWORD = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * The metric names (and recording-rule names) a PromQL expression selects. Strings, label matchers, ranges and
 * grouping lists are removed first; what remains are identifiers, of which those followed by `(` are functions or
 * aggregations. Good enough for the expressions in this repository, and strict: an unknown name is reported.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w:$.])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (!name || call || FUNCTION_OR_KEYWORD.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** The alternatives of the `code!~"…"` matcher that excludes client-caused codes from server errors. */
export function excludedCodesIn(expr: string): string[] {
  const match = /code!~"([^"]+)"/.exec(expr);
  if (!match?.[1]) throw new Error(`no code!~"…" matcher in ${expr}`);
  return match[1].split('|');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks an object along a dotted path; undefined when a step is missing. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isRecord(current)) current = current[key];
    else return undefined;
  }
  return current;
}
