// A gateway node drained with SIGTERM under load behind nginx: its clients hear server-draining, requests in
// flight finish, new ones are refused with SERVER_DRAINING and re-sent (same requestId) after the clients
// reconnect through nginx to the other nodes. Every prompt is answered successfully, each executed once, nothing
// comes back after an acknowledged removal, and the drained process exits 0 within its drain timeout.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../../deploy/local-cluster/probes.js';
import { busiestNode, executedTwice, lastNodes, loadTotals, spreadClients, startFaultCluster, type FaultCluster, type LoadClient } from './cluster-load.js';
import { record } from './ledger.js';
import { sleep } from '@leadlovers/testing';

const RUN = randomUUID().slice(0, 8);
const PROMPT = 'Liste todas as máquinas disponíveis';
const LATENCY_MS = 400;
const ACK_DELAY_MS = 1_200;
const DRAIN_AFTER_MS = 3_000;
const LOAD_MS = 9_000;
const DRAIN_TIMEOUT_MS = 10_000;

describe('fault: SIGTERM (graceful drain) of a gateway node under load behind nginx', () => {
  let cluster: FaultCluster;
  const clients: LoadClient[] = [];

  beforeAll(async () => {
    cluster = await startFaultCluster({
      nodes: 3,
      redisKeyPrefix: `faults-drain-${RUN}:`,
      env: {
        EMBEDDED_LATENCY_MS: String(LATENCY_MS),
        PROMPT_RATE_PER_MINUTE: '100000',
        EVENTS_PER_10S: '100000',
        DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
        DRAIN_BATCH_SIZE: '2',
        DRAIN_BATCH_INTERVAL_MS: '200',
      },
    });
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  }, 60_000);

  it('answers every prompt exactly once while one node drains; the node exits 0 within its drain timeout', async () => {
    const spread = await spreadClients(cluster, { userPrefix: `drain-${RUN}`, account: `faults-${RUN}`, prompt: PROMPT, ackDelayMs: ACK_DELAY_MS });
    clients.push(...spread.clients);
    const { firstNode } = spread;
    expect(new Set(firstNode).size, `nodes by address: ${JSON.stringify(firstNode)}`).toBeGreaterThanOrEqual(2);
    const drained = busiestNode(firstNode);
    const drainedProcess = cluster.processes.get(drained)!;
    const drainedClients = clients.filter((_, i) => firstNode[i] === drained);

    const loadUntil = Date.now() + LOAD_MS;
    const runs = Promise.all(clients.map((client) => client.run(() => Date.now() < loadUntil)));
    await sleep(DRAIN_AFTER_MS);
    cluster.expectExit(drained);
    const signalledAt = Date.now();
    // To the leader only, as an orchestrator does: the node closes its own MCP children while draining.
    process.kill(drainedProcess.pid, 'SIGTERM');
    const exitStatus = await Promise.race([drainedProcess.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
    const exitMs = Date.now() - signalledAt;

    await Promise.race([runs, sleep(LOAD_MS + 60_000)]);
    await Promise.all(clients.map((client) => client.settle(10_000)));

    const crashed = cluster.crashed();
    for (const node of cluster.nodes.filter((n) => n.id !== drained)) expect((await probe(`http://127.0.0.1:${node.port}/readyz`)).status).toBe(200);
    const twice = await executedTwice(clients);
    for (const client of clients) client.close();
    const finalNode = await lastNodes(cluster, clients);

    const totals = loadTotals(clients);
    const drainedTotals = loadTotals(drainedClients);
    const lost = totals.unanswered.length + totals.duplicatesAfterAck + totals.foreign;
    record({ scenario: 'node SIGTERM drain under load behind nginx', faults: 1, promptsSent: totals.promptsSent, delivered: totals.delivered, lost, crashed: crashed.length });
    process.stdout.write(
      `[drain] drained ${drained} (${drainedClients.length}/${clients.length} clients), exit ${String(exitStatus)} after ${exitMs} ms: ` +
        `${JSON.stringify({ ...totals, unanswered: totals.unanswered.length })}; drained clients: SERVER_DRAINING refusals ${drainedTotals.drainingRefusals}, resends ${drainedTotals.resends}, ` +
        `mailbox replays ${drainedTotals.mailboxReplays}, unacked at disconnect ${drainedTotals.unackedAtDisconnect} (replayed ${drainedTotals.replayedAfterDisconnect})\n`,
    );

    expect(exitStatus).toBe(0);
    expect(exitMs).toBeLessThan(DRAIN_TIMEOUT_MS);
    expect(crashed).toEqual([]);
    expect(totals.unanswered).toEqual([]);
    // A drain loses nothing: no coded error at all (SERVER_DRAINING refusals were re-sent and answered elsewhere).
    expect(totals.errorCodes).toEqual({});
    expect(totals.duplicatesAfterAck).toBe(0);
    expect(totals.foreign).toBe(0);
    expect(totals.invalid).toBe(0);
    expect(twice).toEqual([]);
    expect(drainedClients.length).toBeGreaterThan(0);
    for (const client of drainedClients) {
      expect(client.drainNotices).toBeGreaterThanOrEqual(1);
      expect(client.connects).toBeGreaterThanOrEqual(2);
    }
    for (const [i, client] of clients.entries()) {
      expect(finalNode[i]).not.toBe(drained);
      if (!drainedClients.includes(client)) expect(finalNode[i]).toBe(firstNode[i]);
    }
    // Responses a client had not acknowledged when the drain disconnected it came back from the mailbox.
    expect(drainedTotals.replayedAfterDisconnect).toBe(drainedTotals.unackedAtDisconnect);
  }, 240_000);
});
