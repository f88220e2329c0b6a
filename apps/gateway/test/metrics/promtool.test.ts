// `promtool check metrics` over a real scrape (after a prompt and a tool call, so the histograms have samples):
// the gateway's own metrics must lint clean. promtool comes from Debian's `prometheus` package (.ci/run installs
// it); without it this test fails, it does not skip.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, sendPrompt, startGateway, type TestGateway } from '../helpers/gateway.js';
import { scrape } from '../helpers/metrics.js';

// prom-client's default metrics include three gauges whose names end in _total (counts of live handles, requests
// and resources, named so by prom-client before the convention was linted). They are not ours and renaming them
// would break every dashboard built on prom-client, so exactly these three complaints are accepted.
const ACCEPTED_DEFAULT_METRIC_COMPLAINTS = new Set(
  ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'].map(
    (name) => `${name} non-counter metrics should not have "_total" suffix`,
  ),
);

function promtoolCheckMetrics(text: string): { status: number | null; problems: string[] } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (run.error) {
    throw new Error(
      `promtool is needed for this test and could not run (${run.error.message}); install it with ` +
        '`apt-get install -y --no-install-recommends prometheus` (.ci/run does)',
    );
  }
  const problems = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return { status: run.status, problems };
}

describe('promtool check metrics', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '10000' });
  });
  afterAll(() => gw.close());

  it('reports nothing for the gateway metrics', async () => {
    const socket = await gw.connect('promtool-user');
    expect(await sendPrompt(socket, 'Liste todas as máquinas disponíveis')).toMatchObject({ isSuccess: true });
    expect(await callTool(socket, 'get_machines', {})).toMatchObject({ isSuccess: true });
    const text = await scrape(gw.url);
    expect(text).toMatch(/^gateway_request_duration_seconds_bucket\{.*\} 1$/m);
    expect(text).toMatch(/^gateway_tool_call_duration_seconds_bucket\{.*\} [1-9][0-9]*$/m);

    const { status, problems } = promtoolCheckMetrics(text);
    // 0: clean; 3: lint problems only (listed below). Anything else (1: unparsable) is a failure on its own.
    expect([0, 3], problems.join('\n')).toContain(status);
    expect(problems.filter((line) => !ACCEPTED_DEFAULT_METRIC_COMPLAINTS.has(line))).toEqual([]);
  });

  it('catches a badly named metric (the check is live, not vacuous)', () => {
    const bad = '# HELP gateway_bad_total A gauge named like a counter\n# TYPE gateway_bad_total gauge\ngateway_bad_total 1\n';
    expect(promtoolCheckMetrics(bad).problems).toEqual(['gateway_bad_total non-counter metrics should not have "_total" suffix']);
  });
});
