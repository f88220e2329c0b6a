// A gateway node killed with SIGKILL under load behind nginx (TLS, `hash $remote_addr consistent`): its clients
// reconnect through nginx to the other nodes and get every response produced for them (the mailbox replays what
// they had not acknowledged), each requestId ends with exactly one final response to its own user, nothing comes
// back after an acknowledged removal, and the surviving nodes keep running. Real processes, real Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../../deploy/local-cluster/probes.js';
import { busiestNode, executedTwice, lastNodes, loadTotals, spreadClients, startFaultCluster, type FaultCluster, type LoadClient } from './cluster-load.js';
import { record } from './ledger.js';
import { sleep } from '@leadlovers/testing';

const RUN = randomUUID().slice(0, 8);
const PROMPT = 'Liste todas as máquinas disponíveis';
/** Each tool call takes this long, so several responses are in flight (and unacknowledged) at the kill. */
const LATENCY_MS = 400;
const ACK_DELAY_MS = 1_200;
const KILL_AFTER_MS = 3_000;
const LOAD_MS = 8_000;
/**
 * A request in flight on the killed node leaves its idempotency marker `pending`, with a 10 s lease nobody renews
 * any more; the re-send on another node waits for it, sees it expire and runs the request itself.
 */
const ANSWER_BOUND_MS = 40_000;

describe('fault: SIGKILL of a gateway node under load behind nginx', () => {
  let cluster: FaultCluster;
  const clients: LoadClient[] = [];

  beforeAll(async () => {
    cluster = await startFaultCluster({
      nodes: 3,
      redisKeyPrefix: `faults-kill-${RUN}:`,
      env: { EMBEDDED_LATENCY_MS: String(LATENCY_MS), PROMPT_RATE_PER_MINUTE: '100000', EVENTS_PER_10S: '100000' },
    });
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  }, 60_000);

  it('reconnects the killed node’s clients elsewhere; no response lost, none again after its ack, no other node dies', async () => {
    const spread = await spreadClients(cluster, { userPrefix: `kill-${RUN}`, account: `faults-${RUN}`, prompt: PROMPT, ackDelayMs: ACK_DELAY_MS });
    clients.push(...spread.clients);
    const { firstNode } = spread;
    expect(new Set(firstNode).size, `nodes by address: ${JSON.stringify(firstNode)}`).toBeGreaterThanOrEqual(2);
    const victim = busiestNode(firstNode);
    const victimProcess = cluster.processes.get(victim)!;
    const victimClients = clients.filter((_, i) => firstNode[i] === victim);

    const loadUntil = Date.now() + LOAD_MS;
    const runs = Promise.all(clients.map((client) => client.run(() => Date.now() < loadUntil)));
    await sleep(KILL_AFTER_MS);
    cluster.expectExit(victim);
    // The whole process group, MCP children included: as a container being killed.
    process.kill(-victimProcess.pid, 'SIGKILL');
    expect(await victimProcess.exited).toBe('SIGKILL');

    await Promise.race([runs, sleep(LOAD_MS + ANSWER_BOUND_MS)]);
    // Each of the victim's clients, now on another node, is served a new prompt.
    const before = new Map(victimClients.map((client) => [client, client.requests.size]));
    await Promise.race([
      Promise.all(victimClients.map((client) => client.run(() => client.requests.size === before.get(client)))),
      sleep(30_000),
    ]);
    await Promise.all(clients.map((client) => client.settle(10_000)));

    // Every node that was not killed still runs and is ready.
    const crashed = cluster.crashed();
    for (const node of cluster.nodes.filter((n) => n.id !== victim)) expect((await probe(`http://127.0.0.1:${node.port}/readyz`)).status).toBe(200);
    // No requestId ran twice anywhere in the cluster (history is appended once per executed request).
    const twice = await executedTwice(clients);
    for (const client of clients) client.close();
    const finalNode = await lastNodes(cluster, clients);

    const totals = loadTotals(clients);
    const victimTotals = loadTotals(victimClients);
    const survivorErrors = loadTotals(clients.filter((client) => !victimClients.includes(client))).errorCodes;
    const lost = totals.unanswered.length + totals.duplicatesAfterAck + totals.foreign;
    record({ scenario: 'node SIGKILL under load behind nginx', faults: 1, promptsSent: totals.promptsSent, delivered: totals.delivered, lost, crashed: crashed.length });
    process.stdout.write(
      `[node-kill] victim ${victim} (${victimClients.length}/${clients.length} clients): ${JSON.stringify({ ...totals, unanswered: totals.unanswered.length })}; ` +
        `victim clients: errors ${JSON.stringify(victimTotals.errorCodes)}, resends ${victimTotals.resends}, mailbox replays ${victimTotals.mailboxReplays}, ` +
        `unacked at disconnect ${victimTotals.unackedAtDisconnect} (replayed ${victimTotals.replayedAfterDisconnect})\n`,
    );

    expect(crashed).toEqual([]);
    expect(totals.unanswered).toEqual([]);
    expect(totals.duplicatesAfterAck).toBe(0);
    expect(totals.foreign).toBe(0);
    expect(totals.invalid).toBe(0);
    expect(twice).toEqual([]);
    // Clients of the other nodes never noticed; requests that died with the victim were taken over by the node
    // their re-send reached once the dead node's lease on them ran out, and succeeded.
    expect(survivorErrors).toEqual({});
    expect(victimTotals.errorCodes).toEqual({});
    // The victim's clients reconnected, each to a surviving node, and got back from the mailbox every response
    // they had received but not acknowledged when the connection died.
    expect(victimClients.length).toBeGreaterThan(0);
    for (const client of victimClients) expect(client.connects).toBeGreaterThanOrEqual(2);
    for (const [i, client] of clients.entries()) {
      expect(finalNode[i]).not.toBe(victim);
      if (!victimClients.includes(client)) expect(finalNode[i]).toBe(firstNode[i]);
    }
    expect(victimTotals.unackedAtDisconnect).toBeGreaterThan(0);
    expect(victimTotals.replayedAfterDisconnect).toBe(victimTotals.unackedAtDisconnect);
    for (const client of victimClients) {
      const last = [...client.requests.values()].pop();
      expect(client.requests.size).toBe((before.get(client) ?? 0) + 1);
      expect(last?.final).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    }
  }, 240_000);
});
