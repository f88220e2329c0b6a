// Fault: a hung tool. The MCP child uses the LeadLovers REST backend through a local proxy in front of the fake
// LeadLovers API; while the fault is on, the proxy never answers requests of one account's token, so every tool
// call of that account hangs inside the child. With a short MCP_CALL_TIMEOUT_MS its users get TIMEOUT with a
// message, the other account's users keep being served by the same (only) child meanwhile, more calls hang over
// the test than the worker has slots (so a slot that stayed taken would show), and afterwards the same child serves
// correct results again with nothing left in flight.
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLeadLovers, type FakeLeadLovers } from '../../../mcp-server/test/fake-leadlovers.js';
import type { McpPool, PoolEvent } from '../../src/mcp/pool/index.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { callTool, sendPrompt, type TestGateway } from '../helpers/gateway.js';
import { scrape, valueOf } from '../helpers/metrics.js';
import { eventually } from '@leadlovers/testing';
import { closeServer, listenLocal } from '../helpers/http.js';
import { record } from './ledger.js';
import { runLoad, summarize, type LoadClient, type LoadRequest } from './load.js';

const CALL_TIMEOUT_MS = 2_500;
const SLOTS_PER_WORKER = 8;
const HUNG_TOKEN = 'tok-slowco';

interface HangingProxy {
  url: string;
  /** While on, requests carrying HUNG_TOKEN are held open and never answered. */
  hang(on: boolean): void;
  held(): number;
  /** Held requests whose client (the MCP child's HTTP client) closed the connection: it gave up on them. */
  abandoned(): number;
  close(): Promise<void>;
}

/** Forwards everything to the fake API, except requests of the hung account while the fault is on. */
async function startHangingProxy(upstream: string): Promise<HangingProxy> {
  const target = new URL(upstream);
  let hanging = false;
  const held = new Set<ServerResponse>();
  let abandoned = 0;
  const server: Server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://proxy').searchParams.get('token');
    if (hanging && token === HUNG_TOKEN) {
      held.add(res);
      res.on('close', () => (abandoned += 1));
      req.resume();
      return;
    }
    const forwarded = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  const base = await listenLocal(server);
  return {
    url: `${base}${target.pathname}`,
    hang(on) {
      hanging = on;
    },
    held: () => held.size,
    abandoned: () => abandoned,
    close: () => closeServer(server),
  };
}

describe('fault: a hung tool', () => {
  let fake: FakeLeadLovers;
  let proxy: HangingProxy;
  let cluster: TestCluster;
  let gw: TestGateway;
  let pool: McpPool;
  const childExits: PoolEvent[] = [];

  beforeAll(async () => {
    fake = await startFakeLeadLovers();
    proxy = await startHangingProxy(fake.url);
    cluster = await startCluster(1, {
      MCP_POOL_SIZE: '1',
      MCP_CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
      MCP_CONCURRENCY_PER_WORKER: String(SLOTS_PER_WORKER),
      LEADLOVERS_API_URL: proxy.url,
      LEADLOVERS_ACCOUNT_TOKENS: JSON.stringify({ slowco: HUNG_TOKEN, fastco: 'tok-fastco' }),
      // The child's own HTTP timeout is far beyond the gateway's call timeout: the gateway's is the one that fires.
      LEADLOVERS_TIMEOUT_MS: '60000',
      LEADLOVERS_MAX_ATTEMPTS: '1',
      LOG_LEVEL: 'warn',
      PROMPT_RATE_PER_MINUTE: '100000',
      EVENTS_PER_10S: '100000',
    });
    gw = cluster.nodes[0] as TestGateway;
    pool = gw.deps.runner as McpPool;
    pool.onEvent((event) => {
      if (event.type === 'child-exit') childExits.push(event);
    });
  });
  afterAll(async () => {
    await cluster?.close();
    await proxy?.close();
    await fake?.close();
  });

  it('answers TIMEOUT to the hung account, keeps serving the others, and the same child is healthy afterwards', async () => {
    const [pid] = pool.childPids();
    const slow: LoadClient[] = [];
    const fast: LoadClient[] = [];
    for (let i = 0; i < 3; i++) slow.push({ name: `slow${i}`, socket: await gw.connect(`hung-slow-${i}`, { account: 'slowco' }) });
    for (let i = 0; i < 3; i++) fast.push({ name: `fast${i}`, socket: await gw.connect(`hung-fast-${i}`, { account: 'fastco' }) });
    // Before the fault, both accounts are served.
    expect(await callTool(slow[0]!.socket, 'get_machines', {})).toMatchObject({ isSuccess: true, tool: 'get_machines' });

    proxy.hang(true);
    const hungFrom = Date.now();
    const next = (client: LoadClient, seq: number): LoadRequest => {
      const label = client.name.startsWith('slow') ? 'slow' : 'fast';
      return seq % 2 === 0
        ? { label, event: 'call-tool', tool: 'get_machines', arguments: {} }
        : { label, event: 'send-prompt', prompt: 'Liste todas as máquinas disponíveis' };
    };
    // Four hung calls per slow user, one after the other: 12 in all, more than the worker's 8 slots.
    const slowRun = runLoad({ clients: slow, next, maxPerClient: 4, durationMs: 20_000, deadlineMs: CALL_TIMEOUT_MS * 4 });
    const fastRun = runLoad({ clients: fast, next, maxPerClient: 1_000, durationMs: CALL_TIMEOUT_MS * 4 + 500, deadlineMs: CALL_TIMEOUT_MS * 4, pauseMs: 20 });
    const [slowLoad, fastLoad] = await Promise.all([slowRun.done, fastRun.done]);
    const heldByProxy = proxy.held();
    proxy.hang(false);

    // Nothing stuck: the in-flight gauge is back to 0, and the child dropped every hung request once the gateway's
    // timeout cancelled its call (notifications/cancelled reaches the HTTP client; its own 60 s timeout never
    // has to), and the same child, never restarted, answers both accounts correctly.
    await eventually(() => pool.stats().inFlight === 0 && pool.stats().queued === 0, 100, 50);
    await eventually(() => proxy.abandoned() === heldByProxy, 100, 50);
    const metrics = await scrape(gw.url);
    const after = await Promise.all([
      callTool(slow[0]!.socket, 'get_machines', {}),
      sendPrompt(slow[1]!.socket, 'Liste todas as máquinas disponíveis'),
      callTool(fast[0]!.socket, 'get_machine_details', { machineCode: 101 }),
    ]);
    const totals = summarize([...slowLoad.outcomes, ...fastLoad.outcomes], slowLoad.duplicates + fastLoad.duplicates);
    const gatewayUp = gw.gateway.httpServer.listening && (await fetch(`${gw.url}/healthz`)).status === 200;
    record({
      scenario: `hung tool (one account, call timeout ${CALL_TIMEOUT_MS / 1000} s)`,
      faults: slowLoad.outcomes.length,
      promptsSent: totals.sent + after.length,
      delivered: totals.delivered + after.length,
      lost: totals.lost + totals.uncoded,
      crashed: childExits.length + (gatewayUp ? 0 : 1),
    });

    expect(gatewayUp).toBe(true);
    expect(childExits).toEqual([]);
    expect({ missing: totals.missing, uncoded: totals.uncoded, duplicates: totals.duplicates }).toEqual({ missing: 0, uncoded: 0, duplicates: 0 });

    // Every call of the hung account timed out, with the code and a message, no sooner than the call timeout.
    expect(slowLoad.outcomes).toHaveLength(12);
    // Every hung call reached the backend and hung there (the HTTP client may resend a GET on a reused socket).
    expect(heldByProxy).toBeGreaterThanOrEqual(12);
    for (const outcome of slowLoad.outcomes) {
      expect(outcome.response).toMatchObject({ isSuccess: false, code: 'TIMEOUT', tool: 'get_machines' });
      expect(outcome.response?.error).toMatch(/^Tool "get_machines" did not answer within \d+ ms$/);
      expect((outcome.answeredAt ?? 0) - outcome.sentAt).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 5);
    }
    // Meanwhile the other account was served, by the same child, all along.
    expect(fastLoad.outcomes.every((o) => o.response?.isSuccess)).toBe(true);
    const lastTimeout = Math.max(...slowLoad.outcomes.map((o) => o.answeredAt ?? 0));
    expect(fastLoad.outcomes.filter((o) => o.sentAt > hungFrom && (o.answeredAt ?? Infinity) < lastTimeout).length).toBeGreaterThan(0);

    expect(valueOf(metrics, 'gateway_mcp_calls_in_flight')).toBe(0);
    expect(pool.childPids()).toEqual([pid]);
    expect(pool.stats()).toMatchObject({ workers: 1, readyWorkers: 1, childRestarts: 0, inFlight: 0 });
    expect(after[0]).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    expect((after[0]?.data as { machines: Array<{ MachineCode: number }> }).machines.map((m) => m.MachineCode)).toEqual([101, 102]);
    expect(after[1]).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    expect(after[2]).toMatchObject({ isSuccess: true, data: { machine: { MachineCode: 101, MachineName: 'Funil Principal' } } });
  }, 90_000);
});
