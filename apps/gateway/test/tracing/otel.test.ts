// OpenTelemetry end to end: a gateway exporting to an in-process OTLP/HTTP receiver, its MCP child exporting to the
// same one, the child on the LeadLovers REST backend (a local fake). One prompt is one trace across the process
// boundary: send-prompt → admission, planning → mcp tools/call → (child) tools/call get_machines → leadlovers GET
// /webapi/Machines, and completion; attributes carry ids and outcomes, never the prompt, the data or a token. Off without
// an endpoint: no OTel module is loaded.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, startFakeLeadLovers, type FakeLeadLovers } from '../../../mcp-server/test/fake-leadlovers.js';
import { loadConfig } from '../../src/config/config.js';
import { tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { callTool, sendPrompt, startGateway, type TestGateway } from '../helpers/gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { eventually } from '../helpers/async.js';

const run = promisify(execFile);
const PROMPT = 'Liste todas as máquinas disponíveis';
const PROBE = fileURLToPath(new URL('../fixtures/otel-off-probe.ts', import.meta.url));

describe('OpenTelemetry traces across the MCP hop', () => {
  let receiver: OtlpReceiver;
  let fake: FakeLeadLovers;
  let gw: TestGateway;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    fake = await startFakeLeadLovers();
    fake.account('tok-otel-acme', demoAccount());
    gw = await startGateway({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'gw-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      LEADLOVERS_API_URL: fake.url,
      LEADLOVERS_ACCOUNT_TOKENS: JSON.stringify({ acme: 'tok-otel-acme' }),
    });
  });
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
    await receiver?.close();
  });

  /** The trace of a request, once every span named in `names` has arrived (the child exports on its own schedule). */
  const traceOf = async (requestId: string, names: string[]): Promise<ReceivedSpan[]> => {
    const root = (await eventually(() => receiver.spans.find((s) => s.attributes.requestId === requestId), 200, 50)) as ReceivedSpan;
    return (await eventually(() => {
      const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
      return names.every((name) => spans.some((s) => s.name === name)) ? spans : null;
    }, 200, 50)) as ReceivedSpan[];
  };

  it('says so at start-up', () => {
    expect(gw.deps.defaults).toContain(`tracing: OpenTelemetry, OTLP/HTTP to ${new URL(receiver.url).host} (service gw-under-test; MCP children too)`);
  });

  it('one prompt is one trace: the span tree crosses into the MCP child and its LeadLovers HTTP call', async () => {
    const client = await gw.connect('otel-user', { account: 'acme' });
    const response = await sendPrompt(client, PROMPT, 'otel-prompt-1');
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });

    const spans = await traceOf('otel-prompt-1', ['send-prompt', 'admission', 'planning', 'mcp tools/call', 'tools/call get_machines', 'leadlovers GET /webapi/Machines', 'completion']);
    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, `${name} in ${spans.map((s) => s.name).join(', ')}`).toHaveLength(1);
      return found[0]!;
    };
    const root = byName('send-prompt');
    const admission = byName('admission');
    const planning = byName('planning');
    const mcp = byName('mcp tools/call');
    const tool = byName('tools/call get_machines');
    const http = byName('leadlovers GET /webapi/Machines');
    const completion = byName('completion');

    expect(root.parentSpanId).toBeUndefined();
    expect(root).toMatchObject({ service: 'gw-under-test', kind: 2, attributes: { requestId: 'otel-prompt-1', tool: 'get_machines', planner: 'rules', code: 'OK', kind: 'prompt' } });
    expect(admission.parentSpanId).toBe(root.spanId);
    expect(admission.attributes.admission).toBe('admitted');
    expect(planning.parentSpanId).toBe(root.spanId);
    expect(planning.attributes).toMatchObject({ planner: 'rules', outcome: 'answered' });
    expect(mcp.parentSpanId).toBe(planning.spanId);
    expect(mcp).toMatchObject({ kind: 3, attributes: { tool: 'get_machines', code: 'OK' } });
    expect(completion.parentSpanId).toBe(root.spanId);
    // Across the process boundary: the child's spans, exported by the child itself.
    expect(tool).toMatchObject({ service: 'gw-under-test-mcp-server', parentSpanId: mcp.spanId, attributes: { tool: 'get_machines', isError: false } });
    expect(http).toMatchObject({ service: 'gw-under-test-mcp-server', parentSpanId: tool.spanId, kind: 3, attributes: { 'http.request.method': 'GET', 'url.path': '/webapi/Machines', 'http.response.status_code': 200 } });

    // Identifiers and outcomes only: no prompt text, no data, no token in anything exported.
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain('máquinas');
    expect(exported).not.toContain('Funil Principal');
    expect(exported).not.toContain('tok-otel-acme');
  });

  it('call-tool is a trace too, with its failure code', async () => {
    const client = await gw.connect('otel-tool-user', { account: 'acme' });
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
