// Configuration parsing: defaults, resolution of relative paths, and errors that name the variable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DB_PATH, loadConfig } from '../src/config.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('loadConfig', () => {
  it('defaults to <repo root>/data/embedded.sqlite and info', () => {
    expect(DEFAULT_DB_PATH).toBe(path.join(repoRoot, 'data', 'embedded.sqlite'));
    expect(loadConfig({})).toEqual({ dbPath: DEFAULT_DB_PATH, logLevel: 'info', embeddedLatencyMs: 0, samplingTimeoutMs: 12_000, leadlovers: null, tracing: null });
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('resolves a relative LEADLOVERS_DB_PATH and accepts pino levels', () => {
    expect(loadConfig({ LEADLOVERS_DB_PATH: 'x/y.sqlite', LOG_LEVEL: 'warn', EMBEDDED_LATENCY_MS: '250', SAMPLING_TIMEOUT_MS: '5000' })).toEqual({
      dbPath: path.resolve('x/y.sqlite'),
      logLevel: 'warn',
      embeddedLatencyMs: 250,
      samplingTimeoutMs: 5000,
      leadlovers: null,
      tracing: null,
    });
  });

  it('turns tracing on with an OTLP endpoint (the standard variables)', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toEqual({
      tracesUrl: 'http://127.0.0.1:4318/v1/traces',
      headers: {},
      serviceName: 'leadlovers-mcp-server',
      scheduleDelayMs: 5000,
      protocol: 'http/protobuf',
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/t', OTEL_EXPORTER_OTLP_HEADERS: 'x-key=a%3Db,y=2', OTEL_SERVICE_NAME: 'mcp-1', OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).tracing,
    ).toEqual({ tracesUrl: 'http://c:4318/t', headers: { 'x-key': 'a=b', y: '2' }, serviceName: 'mcp-1', scheduleDelayMs: 50, protocol: 'http/json' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ LEADLOVERS_DB_PATH: '  ' })).toThrow(/LEADLOVERS_DB_PATH/);
    expect(() => loadConfig({ EMBEDDED_LATENCY_MS: '-5' })).toThrow(/EMBEDDED_LATENCY_MS/);
    expect(() => loadConfig({ SAMPLING_TIMEOUT_MS: 'soon' })).toThrow(/SAMPLING_TIMEOUT_MS/);
  });
});
