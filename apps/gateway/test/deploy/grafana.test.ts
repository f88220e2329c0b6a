// deploy/grafana/gateway-dashboard.json: it parses, every query selects only series a gateway exports (its own
// metrics from apps/gateway/src/metrics.ts, prom-client's defaults, `up`), every query is valid PromQL (promtool
// checks them as recording rules, with Grafana's variables substituted), and the panels the SREs need exist.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { excludedCodesIn, exportedSeriesNames, isRecord, loadYaml, metricNamesIn, promtool, readRepoFile } from './helpers.js';

const DASHBOARD = 'deploy/grafana/gateway-dashboard.json';

interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  uid: string;
  description: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; datasource?: unknown }[] };
}

const dashboard = JSON.parse(readRepoFile(DASHBOARD)) as Dashboard;
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, ...target })));

/** Panel title → a query of that panel must match each pattern. */
const REQUIRED_PANELS: Record<string, RegExp[]> = {
  'Connected sockets per node': [/sum by \(instance\) \(gateway_connected_sockets\{/],
  'Connections and disconnections by reason': [/gateway_connections_total/, /sum by \(reason\) \(rate\(gateway_disconnections_total/],
  'Request rate by tool': [/sum by \(kind, tool\) \(rate\(gateway_requests_total/],
  'Request rate by code': [/sum by \(code\) \(rate\(gateway_requests_total/],
  'Request latency p50 / p95 / p99 by tool': [
    /^histogram_quantile\(0\.5, sum by \(kind, tool, le\) \(rate\(gateway_request_duration_seconds_bucket/,
    /^histogram_quantile\(0\.95, sum by \(kind, tool, le\) \(rate\(gateway_request_duration_seconds_bucket/,
    /^histogram_quantile\(0\.99, sum by \(kind, tool, le\) \(rate\(gateway_request_duration_seconds_bucket/,
  ],
  'Tool-call latency p95 / p99 by tool': [/histogram_quantile\(0\.99, sum by \(tool, le\) \(rate\(gateway_tool_call_duration_seconds_bucket/],
  'Errors by code (non-OK)': [/gateway_requests_total\{[^}]*code!="OK"/],
  'Auth failures by code': [/sum by \(code\) \(rate\(gateway_auth_failures_total/],
  'Session kicks by cause': [/sum by \(cause\) \(rate\(gateway_session_kicks_total/],
  'MCP workers by state': [/sum by \(instance, state\) \(gateway_mcp_workers/],
  'MCP queue depth': [/gateway_mcp_queue_depth/],
  'MCP calls in flight': [/gateway_mcp_calls_in_flight/],
  'MCP child restarts': [/gateway_mcp_child_restarts_total/],
  'Redis up per node': [/gateway_redis_up/],
  'Event-loop lag': [/nodejs_eventloop_lag_p99_seconds/],
  'Memory: RSS and heap': [/process_resident_memory_bytes/, /nodejs_heap_size_used_bytes/],
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('deploy/grafana/gateway-dashboard.json', () => {
  it('is a Grafana dashboard (schemaVersion 39, a description, unique panel ids, laid out on the 24-column grid)', () => {
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.description).toMatch(/gateway/i);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.schemaVersion).toBeLessThanOrEqual(41);
    const all = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
    expect(new Set(all.map((panel) => panel.id)).size).toBe(all.length);
    for (const panel of all) {
      expect(panel.gridPos, panel.title).toBeDefined();
      expect((panel.gridPos?.x ?? 0) + (panel.gridPos?.w ?? 0), panel.title).toBeLessThanOrEqual(24);
    }
    expect(panels.every((panel) => panel.description), 'every panel says what it shows').toBe(true);
  });

  it('takes its data source from a variable and filters every query by the job and instance variables', () => {
    const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.get('instance')).toMatchObject({ type: 'query' });
    expect(JSON.stringify(variables.get('instance')?.query)).toMatch(/label_values\(gateway_connected_sockets\{job=~\\"\$job\\"\}, instance\)/);
    expect(variables.get('job')).toMatchObject({ type: 'query' });
    expect(queries.length).toBeGreaterThan(20);
    for (const query of queries) {
      expect(query.datasource?.uid, query.panel).toBe('${datasource}');
      for (const selector of query.expr.match(/[a-z_:]+\{[^}]*\}/g) ?? []) {
        expect(selector, `${query.panel}: ${query.expr}`).toContain('job=~"$job", instance=~"$instance"');
      }
    }
    for (const panel of panels) expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
  });

  it('has the required panels, each with its queries', () => {
    const byTitle = new Map(panels.map((panel) => [panel.title, panel]));
    for (const [title, patterns] of Object.entries(REQUIRED_PANELS)) {
      const panel = byTitle.get(title);
      expect(panel, `panel "${title}"`).toBeDefined();
      const exprs = (panel?.targets ?? []).map((target) => target.expr);
      for (const pattern of patterns) expect(exprs.some((expr) => pattern.test(expr)), `${title}: ${pattern}`).toBe(true);
    }
  });

  it('selects only series a gateway exports (gateway_* from metrics.ts, prom-client defaults, up)', () => {
    const { gateway, all, gatewayFamilies } = exportedSeriesNames();
    expect(gateway.size).toBeGreaterThanOrEqual(15);
    const used = new Set(queries.flatMap((query) => metricNamesIn(query.expr)));
    expect([...used].filter((name) => !all.has(name))).toEqual([]);
    // Every gateway metric family (a histogram through its buckets) appears on the dashboard.
    const missing = gatewayFamilies.filter((name) => !used.has(name) && !used.has(`${name}_bucket`));
    expect(missing).toEqual([]);
  });

  it('counts server errors like the alert rules do', () => {
    const rules = JSON.stringify(loadYaml('deploy/prometheus/rules.yml'));
    const ruleCodes = excludedCodesIn(rules.replace(/\\"/g, '"'));
    const stat = queries.find((query) => query.panel === 'Server error ratio');
    expect(stat).toBeDefined();
    expect(excludedCodesIn(stat?.expr ?? '')).toEqual(ruleCodes);
  });

  it('every query is valid PromQL (promtool check rules, with the Grafana variables substituted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-dashboard-'));
    tempDirs.push(dir);
    const substitute = (expr: string): string =>
      expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$job|\$instance/g, '.+');
    const rules = queries.map((query, index) => ({ record: `dashboard:query_${index}:check`, expr: substitute(query.expr) }));
    const file = join(dir, 'dashboard-queries.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    const run = promtool(['check', 'rules', file]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('the metric-name extraction is live: it sees names, not functions, labels or variables', () => {
    expect(metricNamesIn('histogram_quantile(0.99, sum by (kind, tool, le) (rate(gateway_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))')).toEqual([
      'gateway_request_duration_seconds_bucket',
    ]);
    expect(metricNamesIn('sum(rate(a_total[5m])) / on (job) group_left b and c_bogus offset 5m')).toEqual(['a_total', 'b', 'c_bogus']);
    expect(isRecord(dashboard)).toBe(true);
  });
});
