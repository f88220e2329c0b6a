// OpenTelemetry end to end: a gateway exporting to an in-process OTLP/HTTP receiver, its MCP child exporting to the
// same one, the child on the LeadLovers REST backend (a local fake). One prompt is one trace across the process
// boundary: send-prompt → mcp tools/call → (child) tools/call get_machines → leadlovers GET /webapi/Machines; with
// Redis, admission and completion (a round trip each) are spans of their own, and an LLM planner's planning is one
// around its tool calls. Attributes carry ids and outcomes, never the prompt, the data or a token. OTEL_TRACES_SAMPLER
// is honoured on both sides of the hop. Off without an endpoint: no OTel module is loaded.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, startFakeLeadLovers, type FakeLeadLovers } from '../../../mcp-server/test/fake-leadlovers.js';
import { loadConfig } from '../../src/config/config.js';
import { tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { callTool, sendPrompt, startGateway, type TestGateway } from '../helpers/gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { eventually, sleep } from '@leadlovers/testing';
import { REDIS_URL } from '../helpers/cluster.js';
import { startFakeLlm, type FakeLlm } from '../fixtures/fake-llm.js';

const run = promisify(execFile);
const PROMPT = 'Liste todas as máquinas disponíveis';
const PROBE = fileURLToPath(new URL('../fixtures/otel-off-probe.ts', import.meta.url));

/**
 * For one describe block: an OTLP receiver, a fake LeadLovers API with the demo account `acme` under `token`, and a
 * gateway on it exporting to the receiver every 50 ms, with `env()` on top (read when the block starts).
 */
function useTracedGateway(token: string, env: () => Record<string, string>): { receiver: OtlpReceiver; fake: FakeLeadLovers; gw: TestGateway } {
  const t = {} as { receiver: OtlpReceiver; fake: FakeLeadLovers; gw: TestGateway };
  beforeAll(async () => {
    t.receiver = await startOtlpReceiver();
    t.fake = await startFakeLeadLovers();
    t.fake.account(token, demoAccount());
    t.gw = await startGateway({
      OTEL_EXPORTER_OTLP_ENDPOINT: t.receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      LEADLOVERS_API_URL: t.fake.url,
      LEADLOVERS_ACCOUNT_TOKENS: JSON.stringify({ acme: token }),
      ...env(),
    });
  });
  afterAll(async () => {
    await t.gw?.close();
    await t.fake?.close();
    await t.receiver?.close();
  });
  return t;
}

describe('OpenTelemetry traces across the MCP hop', () => {
  const t = useTracedGateway('tok-otel-acme', () => ({ OTEL_SERVICE_NAME: 'gw-under-test' }));

  /** The trace of a request, once every span named in `names` has arrived (the child exports on its own schedule). */
  const traceOf = async (requestId: string, names: string[]): Promise<ReceivedSpan[]> => {
    const root = (await eventually(() => t.receiver.spans.find((s) => s.attributes.requestId === requestId), 200, 50)) as ReceivedSpan;
    return (await eventually(() => {
      const spans = t.receiver.spans.filter((s) => s.traceId === root.traceId);
      return names.every((name) => spans.some((s) => s.name === name)) ? spans : null;
    }, 200, 50)) as ReceivedSpan[];
  };

  it('says so at start-up', () => {
    expect(t.gw.deps.defaults).toContain(
      `tracing: OpenTelemetry, OTLP/HTTP (http/protobuf) to ${new URL(t.receiver.url).host} (service gw-under-test, sampler parentbased_always_on; MCP children on the LeadLovers API too)`,
    );
  });

  it('one prompt is one trace: the span tree crosses into the MCP child and its LeadLovers HTTP call', async () => {
    const client = await t.gw.connect('otel-user', { account: 'acme' });
    const response = await sendPrompt(client, PROMPT, 'otel-prompt-1');
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });

    const spans = await traceOf('otel-prompt-1', ['send-prompt', 'mcp tools/call', 'tools/call get_machines', 'leadlovers GET /webapi/Machines']);
    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, `${name} in ${spans.map((s) => s.name).join(', ')}`).toHaveLength(1);
      return found[0]!;
    };
    const root = byName('send-prompt');
    const mcp = byName('mcp tools/call');
    const tool = byName('tools/call get_machines');
    const http = byName('leadlovers GET /webapi/Machines');

    expect(root.parentSpanId).toBeUndefined();
    expect(root).toMatchObject({ service: 'gw-under-test', kind: 2, attributes: { requestId: 'otel-prompt-1', tool: 'get_machines', planner: 'rules', code: 'OK', kind: 'prompt' } });
    expect(mcp.parentSpanId).toBe(root.spanId);
    expect(mcp).toMatchObject({ kind: 3, attributes: { tool: 'get_machines', code: 'OK' } });
    // OTLP/HTTP with protobuf, the spec's default, on both sides of the hop.
    expect(new Set(spans.map((s) => s.encoding))).toEqual(new Set(['protobuf']));
    // In memory, admission and completion are part of the request span; the rules planner calls nothing of its own.
    expect(spans.filter((s) => ['admission', 'completion', 'planning'].includes(s.name))).toEqual([]);
    // Across the process boundary: the child's spans, exported by the child itself.
    expect(tool).toMatchObject({ service: 'gw-under-test-mcp-server', parentSpanId: mcp.spanId, attributes: { tool: 'get_machines', isError: false } });
    expect(http).toMatchObject({ service: 'gw-under-test-mcp-server', parentSpanId: tool.spanId, kind: 3, attributes: { 'http.request.method': 'GET', 'url.path': '/webapi/Machines', 'http.response.status_code': 200 } });

    // Identifiers and outcomes only: no prompt text, no data, no token in anything exported.
    const exported = t.receiver.bodies.join('\n');
    expect(exported).not.toContain('máquinas');
    expect(exported).not.toContain('Funil Principal');
    expect(exported).not.toContain('tok-otel-acme');
  });

  it('call-tool is a trace too, with its failure code', async () => {
    const client = await t.gw.connect('otel-tool-user', { account: 'acme' });
    const response = await callTool(client, 'get_machine_details', { machineCode: 999_999 }, 'otel-tool-1');
    expect(response.isSuccess).toBe(false);
    const spans = await traceOf('otel-tool-1', ['call-tool', 'mcp tools/call', 'tools/call get_machine_details']);
    const root = spans.find((s) => s.name === 'call-tool');
    expect(root?.attributes).toMatchObject({ requestId: 'otel-tool-1', tool: 'get_machine_details', code: response.code ?? '', isSuccess: false });
    const mcp = spans.find((s) => s.name === 'mcp tools/call');
    expect(mcp?.parentSpanId).toBe(root?.spanId);
    expect(spans.find((s) => s.name === 'tools/call get_machine_details')?.parentSpanId).toBe(mcp?.spanId);
  });
});

describe('OpenTelemetry with Redis and an LLM planner', () => {
  let llm: FakeLlm;
  beforeAll(async () => {
    llm = await startFakeLlm();
  });
  afterAll(() => llm?.close());
  const t = useTracedGateway('tok-otel-redis', () => ({
    REDIS_URL,
    REDIS_KEY_PREFIX: `test:otel-${process.pid}-${Date.now()}:`,
    ANTHROPIC_API_KEY: 'test',
    ANTHROPIC_BASE_URL: llm.anthropicUrl,
    OTEL_SERVICE_NAME: 'gw-redis',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  }));

  it('admission and completion (Redis round trips) and planning (the LLM loop) are spans; the MCP call is planning\'s child', async () => {
    llm.script([{ reply: { calls: [{ name: 'get_machines', input: {} }] } }, { reply: { text: ['Aqui estão.'] } }]);
    const client = await t.gw.connect('otel-redis-user', { account: 'acme' });
    const response = await sendPrompt(client, 'quais máquinas eu tenho?', 'otel-redis-1');
    expect(response, JSON.stringify(response)).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    const root = (await eventually(() => t.receiver.spans.find((s) => s.attributes.requestId === 'otel-redis-1'), 200, 50)) as ReceivedSpan;
    const names = ['send-prompt', 'admission', 'planning', 'mcp tools/call', 'tools/call get_machines', 'completion'];
    const spans = (await eventually(() => {
      const all = t.receiver.spans.filter((s) => s.traceId === root.traceId);
      return names.every((name) => all.some((s) => s.name === name)) ? all : null;
    }, 200, 50)) as ReceivedSpan[];
    const one = (name: string) => spans.find((s) => s.name === name)!;
    expect(one('admission')).toMatchObject({ parentSpanId: root.spanId, attributes: { admission: 'admitted', keyed: true } });
    expect(one('completion').parentSpanId).toBe(root.spanId);
    expect(one('planning')).toMatchObject({ parentSpanId: root.spanId, attributes: { planner: 'anthropic', outcome: 'answered' } });
    expect(one('mcp tools/call').parentSpanId).toBe(one('planning').spanId);
    expect(one('tools/call get_machines').parentSpanId).toBe(one('mcp tools/call').spanId);
    expect(root.attributes.planner).toBe('anthropic');
    // OTEL_EXPORTER_OTLP_PROTOCOL=http/json reaches the child too.
    expect(new Set(spans.map((s) => s.encoding))).toEqual(new Set(['json']));
  });
});

describe('OTEL_TRACES_SAMPLER', () => {
  const t = useTracedGateway('tok-otel-sampled', () => ({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }));

  it('a request the sampler leaves out is recorded by neither the gateway nor its MCP child (traceparent says not sampled)', async () => {
    const client = await t.gw.connect('otel-unsampled', { account: 'acme' });
    for (let i = 0; i < 5; i++) expect(await sendPrompt(client, PROMPT, `otel-unsampled-${i}`)).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    await t.gw.deps.tracing?.flush();
    // The child exports on its own 50 ms schedule: anything it recorded would have arrived by now.
    await sleep(600);
    // Nothing of the gateway, nothing in the child under a (not sampled) gateway parent. The suggestion service's
    // background reads, which belong to no request and carry no traceparent, are the child's own traces: fewer than
    // the prompts, which would each add one if their traceparent had not reached the child.
    const recorded = new Set(t.receiver.spans.map((s) => s.spanId));
    expect(t.receiver.spans.filter((s) => s.service === 'leadlovers-gateway' || (s.parentSpanId !== undefined && !recorded.has(s.parentSpanId)))).toEqual([]);
    expect(t.receiver.spans.filter((s) => s.name === 'tools/call get_machines').length).toBeLessThan(5);
    expect(t.receiver.spans.filter((s) => s.name === 'leadlovers GET /webapi/Machines').length).toBeLessThan(5);
    expect(t.gw.deps.defaults).toContain('tracing: OpenTelemetry, OTLP/HTTP (http/protobuf) to ' + new URL(t.receiver.url).host + ' (service leadlovers-gateway, sampler parentbased_traceidratio 0; MCP children on the LeadLovers API too)');
  });

  it('rejects a sampler the spec does not name, a ratio outside [0, 1] and gRPC; protobuf is the default protocol', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing?.sampler).toEqual({ name: 'parentbased_always_on', ratio: 1 });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing?.protocol).toBe('http/protobuf');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing?.protocol).toBe('http/json');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL.*gRPC is not supported/);
  });
});

describe('tracing off', () => {
  it('without an endpoint (or with OTEL_TRACES_EXPORTER=none) the config has no tracing and no OTel module is loaded', async () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }).tracing?.tracesUrl).toBe('http://127.0.0.1:4318/v1/traces');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/t' }).tracing?.tracesUrl).toBe('http://127.0.0.1:9/t');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    // A fresh process builds an untraced gateway's dependencies: no @opentelemetry module is resolved; the control
    // import of the implementation afterwards resolves several.
    const { stdout } = await run(process.execPath, ['--import', tsxLoader(), PROBE], { timeout: 30_000 });
    const probe = JSON.parse(stdout) as { tracing: boolean; before: number; after: number };
    expect(probe).toMatchObject({ tracing: false, before: 0 });
    expect(probe.after).toBeGreaterThan(3);
  });
});
