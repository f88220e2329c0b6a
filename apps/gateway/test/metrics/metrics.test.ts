// /metrics scraped from a real gateway after a scripted session: connections, auth failures, prompts and tool
// calls, a kick, mailbox redelivery and a rate limit move exactly the counters they should; labels stay bounded;
// two gateways in one process keep separate registries.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../helpers/cluster.js';
import { callTool, connectError, nextEvent, sendPrompt, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { parseSamples, scrape, sumOf, valueOf } from '../helpers/metrics.js';
import { eventually } from '@leadlovers/testing';

describe('metrics', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '3' });
  });
  afterAll(() => gw.close());

  it('serves the Prometheus text format with default process metrics and the pool gauges', async () => {
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(gw.gateway.metrics.registry.contentType);
    const text = await res.text();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(valueOf(text, 'gateway_mcp_workers', { state: 'ready' })).toBe(1);
    expect(valueOf(text, 'gateway_mcp_workers', { state: 'starting' })).toBe(0);
    expect(valueOf(text, 'gateway_mcp_queue_depth')).toBe(0);
    expect(valueOf(text, 'gateway_mcp_child_restarts_total')).toBe(0);
    expect(valueOf(text, 'gateway_connected_sockets')).toBe(0);
    // No Redis configured: the Redis gauge is not exported rather than reported as down.
    expect(text).not.toContain('gateway_redis_up');
  });

  it('counts a scripted session exactly', async () => {
    const secretUser = 'user-7f3a9c-private';
    const missing = await connectError(gw.client());
    expect(missing.data?.code).toBe('TOKEN_MISSING');
    const invalid = await connectError(gw.client({ auth: { token: 'not-a-jwt' } }));
    expect(invalid.data?.code).toBe('TOKEN_INVALID');

    const first: Client = await gw.connect(secretUser, { account: 'acct-secret-42' });
    let text = await scrape(gw.url);
    expect(valueOf(text, 'gateway_auth_failures_total', { code: 'TOKEN_MISSING' })).toBe(1);
    expect(valueOf(text, 'gateway_auth_failures_total', { code: 'TOKEN_INVALID' })).toBe(1);
    expect(valueOf(text, 'gateway_connections_total')).toBe(1);
    expect(valueOf(text, 'gateway_connected_sockets')).toBe(1);

    expect(await sendPrompt(first, 'Liste todas as máquinas disponíveis')).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    expect(await callTool(first, 'get_machine_details', { machineCode: 999_999 })).toMatchObject({ isSuccess: false, code: 'NOT_FOUND' });
    text = await scrape(gw.url);
    expect(valueOf(text, 'gateway_requests_total', { kind: 'prompt', tool: 'get_machines', planner: 'rules', code: 'OK' })).toBe(1);
    expect(valueOf(text, 'gateway_requests_total', { kind: 'tool', tool: 'get_machine_details', planner: 'none', code: 'NOT_FOUND' })).toBe(1);
    expect(valueOf(text, 'gateway_request_duration_seconds_count', { kind: 'prompt', tool: 'get_machines' })).toBe(1);
    expect(valueOf(text, 'gateway_planner_duration_seconds_count', { planner: 'rules' })).toBe(1);
    expect(valueOf(text, 'gateway_request_duration_seconds_sum', { kind: 'prompt', tool: 'get_machines' })).toBeGreaterThan(0);
    expect(valueOf(text, 'gateway_tool_call_duration_seconds_count', { tool: 'get_machines', code: 'OK' })).toBe(1);
    expect(valueOf(text, 'gateway_tool_call_duration_seconds_count', { tool: 'get_machine_details', code: 'NOT_FOUND' })).toBe(1);
    expect(valueOf(text, 'gateway_tool_call_duration_seconds_bucket', { tool: 'get_machines', code: 'OK', le: '30' })).toBe(1);

    // The same user connects again: the first socket is kicked, and both unacknowledged responses are re-sent.
    const replaced = nextEvent(first, 'session-replaced');
    const second = await gw.connect(secretUser, { account: 'acct-secret-42' });
    await replaced;
    text = await eventually(async () => {
      const t = await scrape(gw.url);
      return valueOf(t, 'gateway_connected_sockets') === 1 && valueOf(t, 'gateway_mailbox_redeliveries_total') === 2 ? t : '';
    });
    expect(valueOf(text, 'gateway_session_kicks_total', { cause: 'replaced' })).toBe(1);
    expect(valueOf(text, 'gateway_connections_total')).toBe(2);
    expect(valueOf(text, 'gateway_disconnections_total', { reason: 'server namespace disconnect' })).toBe(1);

    // Rate 3 a minute: the third request passes, the fourth is refused.
    expect(await sendPrompt(second, 'Liste todas as máquinas disponíveis')).toMatchObject({ isSuccess: true });
    expect(await sendPrompt(second, 'Liste todas as máquinas disponíveis')).toMatchObject({ isSuccess: false, code: 'RATE_LIMITED' });
    text = await scrape(gw.url);
    expect(valueOf(text, 'gateway_rate_limited_requests_total')).toBe(1);
    expect(valueOf(text, 'gateway_requests_total', { kind: 'prompt', tool: 'none', planner: 'rules', code: 'RATE_LIMITED' })).toBe(1);
    expect(valueOf(text, 'gateway_requests_total', { kind: 'prompt', tool: 'get_machines', planner: 'rules', code: 'OK' })).toBe(2);
    expect(sumOf(text, 'gateway_requests_total')).toBe(4);

    // Bounded cardinality: no label of ours carries a user id, account or token.
    const token = await gw.token(secretUser);
    for (const sample of parseSamples(text).filter((s) => s.name.startsWith('gateway_'))) {
      for (const value of Object.values(sample.labels)) {
        expect(value).not.toMatch(/user-7f3a9c|acct-secret|^ey/);
        expect(value).not.toBe(token);
      }
    }
  });

  it('gives each gateway in a process its own registry', async () => {
    const other = await startGateway();
    try {
      expect(other.gateway.metrics.registry).not.toBe(gw.gateway.metrics.registry);
      const before = valueOf(await scrape(gw.url), 'gateway_connections_total');
      await other.connect('elsewhere');
      expect(valueOf(await scrape(other.url), 'gateway_connections_total')).toBe(1);
      expect(valueOf(await scrape(gw.url), 'gateway_connections_total')).toBe(before);
    } finally {
      await other.close();
    }
  });
});

describe('metrics in cluster mode', () => {
  it('exports gateway_redis_up = 1 while Redis is ready', async () => {
    const prefix = `test:${randomUUID().slice(0, 8)}:`;
    const gw = await startGateway({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    try {
      expect(valueOf(await scrape(gw.url), 'gateway_redis_up')).toBe(1);
      await gw.connect('clustered-user');
      expect(valueOf(await scrape(gw.url), 'gateway_connections_total')).toBe(1);
    } finally {
      const keys = (await gw.redis?.command.keys(`${prefix}*`)) ?? [];
      if (keys.length) await gw.redis?.command.del(...keys);
      await gw.close();
    }
  });
});

describe('metrics endpoint options', () => {
  it('METRICS_TOKEN: /metrics needs the bearer token', async () => {
    const gw = await startGateway({ METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const ok = await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('gateway_connected_sockets 0');
    } finally {
      await gw.close();
    }
  });

  it('METRICS_PORT: /metrics moves to its own server, off the public port', async () => {
    const gw = await startGateway({ METRICS_PORT: '0' });
    try {
      const address = gw.gateway.metricsServer?.address();
      if (!address || typeof address === 'string') throw new Error('metrics server is not listening');
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(404);
      expect(await scrape(`http://127.0.0.1:${address.port}`)).toContain('gateway_connected_sockets 0');
      expect((await fetch(`http://127.0.0.1:${address.port}/healthz`)).status).toBe(404);
    } finally {
      await gw.close();
    }
    expect(gw.gateway.metricsServer?.listening).toBe(false);
  });
});

describe('metrics of the in-memory history', () => {
  it('exports its size on a node without Redis, growing with an answered prompt', async () => {
    const gw = await startGateway();
    try {
      const before = valueOf(await scrape(gw.url), 'gateway_history_memory_bytes');
      expect(before).toBe(0);
      const client = await gw.connect('history-bytes-user');
      expect((await sendPrompt(client, 'Liste todas as máquinas disponíveis')).isSuccess).toBe(true);
      expect(valueOf(await scrape(gw.url), 'gateway_history_memory_bytes')).toBeGreaterThan(200);
    } finally {
      await gw.close();
    }
  });
});
