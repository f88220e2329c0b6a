// deploy/prometheus/: the rules pass `promtool check rules`, the config (which loads them) passes `promtool check
// config`, and the unit tests of rules.test.yml pass `promtool test rules` — and fail when an alert is broken, so
// they are not vacuous. The rules reference only series a gateway exports, and the server-error ratio classifies
// every protocol error code. promtool comes from Debian's `prometheus` package (.ci/run installs it): without it
// these tests fail, they do not skip.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES } from '@leadlovers/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { at, excludedCodesIn, exportedSeriesNames, isRecord, loadYaml, metricNamesIn, promtool, readRepoFile, repoPath } from './helpers.js';

const RULES = 'deploy/prometheus/rules.yml';
const RULES_TEST = 'deploy/prometheus/rules.test.yml';
const CONFIG = 'deploy/prometheus/prometheus.yml';

/** Codes the gateway itself is responsible for: what the error-ratio alerts count. */
const SERVER_CODES = ['BUSY', 'TIMEOUT', 'TOOL_FAILED', 'TOOL_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'OVERLOADED', 'INTERNAL'];

const REQUIRED_ALERTS = [
  'GatewayNodeDown',
  'GatewayNodeNotReady',
  'GatewayRedisDown',
  'GatewayServerErrorRatioHigh',
  'GatewayRequestLatencyP99High',
  'GatewayMcpChildRestarts',
];

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function rules(): Rule[] {
  const groups = at(loadYaml(RULES), 'groups');
  if (!Array.isArray(groups)) throw new Error(`${RULES}: no groups`);
  return groups.flatMap((group) => (at(group, 'rules') as Rule[] | undefined) ?? []);
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('deploy/prometheus with promtool', () => {
  it('rules.yml passes promtool check rules', () => {
    const run = promtool(['check', 'rules', RULES]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('prometheus.yml passes promtool check config and loads rules.yml through rule_files', () => {
    // rule_files paths are relative to the config file: deploy/prometheus/rules.yml here, /etc/prometheus/rules.yml
    // in the compose container (compose.test.ts checks that mount). check config also checks the rule file.
    expect(at(loadYaml(CONFIG), 'rule_files')).toEqual(['rules.yml']);
    const run = promtool(['check', 'config', CONFIG]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: 1 rule files found/);
    expect(run.output).toMatch(/rules\.yml/);
  });

  it('rules.test.yml passes promtool test rules', () => {
    const run = promtool(['test', 'rules', RULES_TEST]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS/);
  });

  it('the unit tests prove the Redis-down, node-down and node-not-ready alerts fire', () => {
    const tests = at(loadYaml(RULES_TEST), 'tests') as unknown[];
    const firing = new Set<string>();
    for (const test of tests) {
      for (const check of (at(test, 'alert_rule_test') as unknown[] | undefined) ?? []) {
        const expected = at(check, 'exp_alerts');
        if (Array.isArray(expected) && expected.length > 0) firing.add(String(at(check, 'alertname')));
      }
    }
    expect([...firing]).toEqual(expect.arrayContaining(['GatewayRedisDown', 'GatewayNodeNotReady', 'GatewayNodeDown']));
  });

  it('promtool test rules fails when the Redis-down alert is broken (the unit tests are live)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-rules-'));
    tempDirs.push(dir);
    const broken = readRepoFile(RULES).replace(/(alert: GatewayRedisDown\n\s+expr: )gateway_redis_up == 0/, '$1gateway_redis_up == 2');
    expect(broken).not.toBe(readRepoFile(RULES));
    writeFileSync(join(dir, 'rules.yml'), broken);
    copyFileSync(repoPath(RULES_TEST), join(dir, 'rules.test.yml'));
    const run = promtool(['test', 'rules', 'rules.test.yml'], dir);
    expect(run.status, run.output).not.toBe(0);
    expect(run.output).toMatch(/GatewayRedisDown/);
  });
});

describe('deploy/prometheus/rules.yml contents', () => {
  it('has the required alerts, each with for, a severity and summary/description annotations', () => {
    const alerts = rules().filter((rule) => rule.alert);
    expect(alerts.map((rule) => rule.alert)).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
    for (const alert of alerts) {
      expect(alert.for, `${alert.alert}: for`).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], `${alert.alert}: severity`).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary, `${alert.alert}: summary`).toBeTruthy();
      expect(alert.annotations?.description, `${alert.alert}: description`).toBeTruthy();
    }
  });

  it('node-not-ready watches warm MCP workers (readiness does not depend on Redis), node-down the scrape', () => {
    const byName = new Map(rules().map((rule) => [rule.alert ?? rule.record, rule]));
    expect(byName.get('GatewayNodeNotReady')?.expr).toMatch(/gateway_mcp_workers\{state="ready"\} == 0/);
    expect(byName.get('GatewayNodeNotReady')?.expr).not.toMatch(/gateway_redis_up/);
    expect(byName.get('GatewayRedisDown')?.expr).toMatch(/gateway_redis_up == 0/);
    expect(byName.get('GatewayNodeDown')?.expr).toMatch(/^up\{job="gateway"\} == 0$/);
    expect(byName.get('GatewayMcpChildRestarts')?.expr).toMatch(/increase\(gateway_mcp_child_restarts_total\[/);
  });

  it('references only series a gateway exports, and recording rules defined in the file', () => {
    const { all } = exportedSeriesNames();
    const recorded = new Set(rules().flatMap((rule) => (rule.record ? [rule.record] : [])));
    const unknown = rules().flatMap((rule) =>
      metricNamesIn(rule.expr)
        .filter((name) => !(name.includes(':') ? recorded.has(name) : all.has(name)))
        .map((name) => `${rule.alert ?? rule.record}: ${name}`),
    );
    expect(unknown).toEqual([]);
    // The extraction itself sees the names (so an empty "unknown" list means something).
    expect(metricNamesIn(rules().find((rule) => rule.alert === 'GatewayRedisDown')?.expr ?? '')).toEqual(['gateway_redis_up']);
  });

  it('the server-error ratio excludes exactly the client-caused codes (and draining): every protocol code is classified', () => {
    const errors = rules().find((rule) => rule.record === 'job:gateway_requests_server_errors:rate5m');
    expect(errors).toBeDefined();
    const excluded = excludedCodesIn(errors?.expr ?? '');
    expect(excluded).toContain('OK');
    expect(excluded).toEqual(expect.arrayContaining(['INVALID_PAYLOAD', 'NEEDS_INPUT', 'UNKNOWN_INTENT', 'RATE_LIMITED', 'SERVER_DRAINING']));
    expect(excluded.filter((code) => SERVER_CODES.includes(code))).toEqual([]);
    // A new protocol code must be classified here (client-caused: add it to the matcher; server: SERVER_CODES).
    const classified = new Set([...excluded, ...SERVER_CODES]);
    const connectCodes = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'ORIGIN_FORBIDDEN'];
    expect(ERROR_CODES.filter((code) => !classified.has(code) && !connectCodes.includes(code))).toEqual([]);
    expect([...classified].filter((code) => code !== 'OK' && !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });

  it('every rule file is a mapping with groups, and opens with a comment', () => {
    for (const file of [RULES, RULES_TEST, CONFIG]) {
      expect(readRepoFile(file).startsWith('#'), file).toBe(true);
      expect(isRecord(loadYaml(file)), file).toBe(true);
    }
  });
});
