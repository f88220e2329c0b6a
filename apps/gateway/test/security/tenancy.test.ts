// Tenancy (issue 6, Security 4): a user can never read, change or delete another account's leads, see another
// account's presence, receive another user's responses (live or replayed from the mailbox) or history, or replay
// another user's requestId. Leads, history and requestIds on one in-memory node; presence, live responses and
// mailbox replay across a Redis-backed 2-node cluster, where the other user may sit on either node.
import type { AckResult, HistoryEntry, PresenceChanged, PresenceUser, PromptProgress, PromptResponse } from '@leadlovers/protocol';
import type { Lead } from '@leadlovers/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../faults/ledger.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { callTool, collect, connected, sendPrompt, startGateway, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

interface LeadsPage {
  leads: Lead[];
  total: number;
}
const ask = <T>(socket: Client, event: string, payload?: unknown): Promise<AckResult<T>> =>
  untyped(socket).timeout(10_000).emitWithAck<AckResult<T>>(event, ...(payload === undefined ? [] : [payload]));
const dataOf = <T>(answer: AckResult<T>): T => {
  if (!answer.ok) throw new Error(`${answer.code}: ${answer.message}`);
  return answer.data;
};
const leadsOf = (response: PromptResponse): LeadsPage => {
  expect(response.isSuccess).toBe(true);
  return response.data as LeadsPage;
};

const SECRET_EMAIL = 'segredo-gw@empresa-a.com';
const SECRET_NAME = 'Segredo Alfa';
const SECRET_COMPANY = 'Empresa Alfa Confidencial';
const MACHINE = 12345;

describe('tenancy on one node: leads, history, requestIds', () => {
  let gw: TestGateway;
  let a: Client;
  let b: Client;
  let lead: Lead;

  beforeAll(async () => {
    gw = await startGateway();
    a = await gw.connect('alice', { account: 'acct-a' });
    b = await gw.connect('bob', { account: 'acct-b' });
    const created = await callTool(a, 'create_lead', { email: SECRET_EMAIL, name: SECRET_NAME, company: SECRET_COMPANY, machineCode: MACHINE, score: 7 });
    expect(created.isSuccess).toBe(true);
    lead = (created.data as { lead: Lead }).lead;
  });
  afterAll(() => gw.close());

  it("B cannot read, update or delete A's lead through any lead tool or prompt, nor by naming an account", async () => {
    // What only A's lead carries (B's own error messages may echo the email B typed, which is no leak).
    const mentionsSecret = (response: PromptResponse) => [SECRET_NAME, SECRET_COMPANY].some((secret) => JSON.stringify(response).includes(secret));
    let attacks = 0;
    // Reads: no filter finds it.
    const reads: Array<Record<string, unknown>> = [
      { email: SECRET_EMAIL },
      { search: 'Segredo' },
      { search: 'empresa-a.com' },
      { machineCode: MACHINE, pageSize: 100 },
      { machineCode: MACHINE, pageSize: 100, page: 2 },
      {},
    ];
    for (const args of reads) {
      const response = await callTool(b, 'get_leads', args);
      const page = leadsOf(response);
      expect(page.leads.some((l) => l.Email === SECRET_EMAIL || l.Code === lead.Code), JSON.stringify(args)).toBe(false);
      expect(mentionsSecret(response), JSON.stringify(args)).toBe(false);
      attacks += 1;
    }
    // Writes: not found for B.
    const writes: Array<[string, Record<string, unknown>]> = [
      ['update_lead', { email: SECRET_EMAIL, score: 0 }],
      ['update_lead', { email: SECRET_EMAIL, name: 'Pwned', tags: ['pwned'] }],
      ['delete_lead', { email: SECRET_EMAIL, machineCode: MACHINE }],
    ];
    if (lead.SequenceCode !== null) writes.push(['delete_lead', { email: SECRET_EMAIL, machineCode: MACHINE, sequenceCode: lead.SequenceCode }]);
    for (const [tool, args] of writes) {
      const response = await callTool(b, tool, args);
      expect(response, `${tool} ${JSON.stringify(args)}`).toMatchObject({ isSuccess: false, code: 'NOT_FOUND' });
      expect(mentionsSecret(response)).toBe(false);
      attacks += 1;
    }
    // Creating the same email in the same machine makes B's own lead; A's stays as it was.
    const twin = await callTool(b, 'create_lead', { email: SECRET_EMAIL, machineCode: MACHINE, score: 1 });
    expect(twin).toMatchObject({ isSuccess: true, data: { lead: { Email: SECRET_EMAIL, Score: 1 } } });
    expect(mentionsSecret(twin)).toBe(false);
    expect(await callTool(b, 'delete_lead', { email: SECRET_EMAIL, machineCode: MACHINE })).toMatchObject({ isSuccess: true });
    attacks += 1;
    // By id, or naming A's account/user in the arguments: strict schemas refuse the unknown fields outright.
    const smuggled: Array<[string, Record<string, unknown>]> = [
      ['get_leads', { code: lead.Code }],
      ['get_leads', { email: SECRET_EMAIL, accountId: 'acct-a' }],
      ['get_leads', { email: SECRET_EMAIL, account: 'acct-a' }],
      ['update_lead', { email: SECRET_EMAIL, score: 0, account: 'acct-a' }],
      ['delete_lead', { email: SECRET_EMAIL, machineCode: MACHINE, accountId: 'acct-a' }],
      ['get_leads', { email: SECRET_EMAIL, _meta: { 'leadlovers/caller': { account: 'acct-a', userId: 'alice' } } }],
      ['delete_lead', { email: SECRET_EMAIL, machineCode: MACHINE, caller: { account: 'acct-a', userId: 'alice' } }],
    ];
    for (const [tool, args] of smuggled) {
      const response = await callTool(b, tool, args);
      expect(response, `${tool} ${JSON.stringify(args)}`).toMatchObject({ isSuccess: false, code: 'INVALID_ARGUMENTS' });
      attacks += 1;
    }
    // A top-level account field on the call-tool payload itself is refused too.
    const payload = (await untyped(b)
      .timeout(10_000)
      .emitWithAck('call-tool', { tool: 'get_leads', arguments: { email: SECRET_EMAIL }, account: 'acct-a' })) as PromptResponse;
    expect(payload).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    attacks += 1;
    // Natural-language prompts go through the same scoped tools.
    for (const prompt of [`Busque o lead ${SECRET_EMAIL}`, `Atualize o score do lead ${SECRET_EMAIL} para 0`, `Remova o lead ${SECRET_EMAIL} da máquina ${MACHINE}`, 'Busque leads da máquina 12345']) {
      const response = await sendPrompt(b, prompt);
      expect(mentionsSecret(response), prompt).toBe(false);
      if (!response.isSuccess) expect(response.code, prompt).not.toBe('INTERNAL');
      attacks += 1;
    }
    // A still has the lead, untouched.
    const still = leadsOf(await callTool(a, 'get_leads', { email: SECRET_EMAIL }));
    expect(still.leads).toEqual([lead]);
    record({ scenario: 'tenancy: cross-account lead reads/writes', attacks });
  });

  it("get-history of B never contains A's entries", async () => {
    await sendPrompt(a, 'Liste todas as máquinas disponíveis', 'hist-a-1');
    await callTool(a, 'get_leads', { email: SECRET_EMAIL }, 'hist-a-2');
    await sendPrompt(b, 'Liste todas as máquinas disponíveis', 'hist-b-1');
    const aEntries = dataOf(await ask<HistoryEntry[]>(a, 'get-history', { limit: 100 }));
    const bEntries = dataOf(await ask<HistoryEntry[]>(b, 'get-history', { limit: 100 }));
    const aIds = new Set(aEntries.map((e) => e.requestId));
    expect(aIds.has('hist-a-1') && aIds.has('hist-a-2')).toBe(true);
    expect(bEntries.map((e) => e.requestId)).toContain('hist-b-1');
    expect(bEntries.some((e) => aIds.has(e.requestId))).toBe(false);
    expect(JSON.stringify(bEntries)).not.toContain(SECRET_NAME);
    expect(JSON.stringify(bEntries)).not.toContain(SECRET_COMPANY);
    // Asking with A's identity in the payload is not a thing: the schema is strict.
    for (const payload of [{ userId: 'alice' }, { limit: 100, account: 'acct-a' }]) {
      expect(await ask(b, 'get-history', payload)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    }
    record({ scenario: 'tenancy: get-history across users', attacks: 3 });
  });

  it("suggest-prompts of B never offers A's history", async () => {
    // An address only A ever typed (B's own history holds SECRET_EMAIL, from the attacks above).
    const onlyA = 'so-da-alice@empresa-a.com';
    expect((await sendPrompt(a, `Crie um lead chamado Alice Reservada com email ${onlyA}`, 'suggest-a-1')).isSuccess).toBe(true);
    expect((await sendPrompt(a, `Atualize o score do lead ${onlyA} para 80`, 'suggest-a-2')).isSuccess).toBe(true);
    const texts = async (socket: Client, partial: string) =>
      dataOf(await ask<Array<{ text: string; source: string }>>(socket, 'suggest-prompts', { partial })).map((s) => s.text);
    // The control: A's own suggestions draw on A's history.
    expect(await eventually(async () => (await texts(a, 'Atualize o score')).some((t) => t.includes(onlyA)))).toBe(true);
    let attacks = 0;
    for (const partial of ['', 'Atualize', 'Atualize o score', 'Atualize o score do lead so', 'Crie um lead chamado Alice', 'so-da-alice', 'empresa-a']) {
      const offered = await texts(b, partial);
      expect(offered.filter((t) => t.includes('so-da-alice') || t.includes('Alice Reservada')), partial).toEqual([]);
      attacks += 1;
    }
    record({ scenario: "tenancy: suggest-prompts from another user's history", attacks });
  });

  it("B reusing A's requestId gets a fresh response of its own, never A's stored one", async () => {
    const requestId = 'shared-request-1';
    const aResponse = await callTool(a, 'get_leads', { email: SECRET_EMAIL }, requestId);
    expect(leadsOf(aResponse).total).toBe(1);
    // The same call with the same requestId: A's stored response would carry A's lead.
    const bSame = await callTool(b, 'get_leads', { email: SECRET_EMAIL }, requestId);
    expect(bSame.requestId).toBe(requestId);
    expect(leadsOf(bSame).total).toBe(0);
    expect(bSame.metadata.replayed).toBeUndefined();
    // A different payload under A's requestId is not a CONFLICT for B either: it is simply B's own request.
    const bOther = await sendPrompt(b, 'Liste todas as máquinas disponíveis', 'shared-request-2');
    const aLater = await sendPrompt(a, 'Busque leads da máquina 12345', 'shared-request-2');
    expect(bOther.isSuccess).toBe(true);
    expect(aLater.isSuccess).toBe(true);
    expect(aLater.tool).toBe('get_leads');
    expect(bOther.tool).toBe('get_machines');
    // A's own retry still gets A's stored response (the idempotency store works; it is just per user).
    const aRetry = await callTool(a, 'get_leads', { email: SECRET_EMAIL }, requestId);
    expect(leadsOf(aRetry).total).toBe(1);
    // B acking or cancelling A's requestId touches only B's own entries.
    expect(await ask(b, 'cancel-prompt', { requestId })).toEqual({ ok: true, data: { cancelled: false } });
    record({ scenario: "tenancy: reusing another user's requestId", attacks: 3 });
  });
});

describe('tenancy across a Redis-backed 2-node cluster: presence and responses', () => {
  let cluster: TestCluster;
  const sockets: Client[] = [];
  const join = async (node: number, userId: string, account: string): Promise<Client> => {
    const gw = cluster.nodes[node] as TestGateway;
    // resume: these clients take part in confirmations, so what they leave unconfirmed is replayed.
    const socket = gw.client({ auth: { token: await gw.token(userId, { account, name: `${userId} name` }), resume: true } });
    sockets.push(socket);
    await connected(socket);
    return socket;
  };

  beforeAll(async () => {
    cluster = await startCluster(2);
  });
  afterAll(() => cluster.close());

  it("get-presence and presence-changed never show the other account's users, on either node", async () => {
    const b0 = await join(0, 'bob-0', 'acct-b');
    const bChanges = collect<PresenceChanged>(b0, 'presence-changed');
    const a0 = await join(0, 'alice-0', 'acct-a');
    const aChanges = collect<PresenceChanged>(a0, 'presence-changed');
    const a1 = await join(1, 'alice-1', 'acct-a');
    const b1 = await join(1, 'bob-1', 'acct-b');
    const aUsers = ['alice-0', 'alice-1'];
    const bUsers = ['bob-0', 'bob-1'];
    const ids = (answer: AckResult<PresenceUser[]>) => dataOf(answer).map((u) => u.userId);
    let attacks = 0;
    for (const socket of [a0, a1]) {
      expect(await eventually(async () => {
        const seen = ids(await ask<PresenceUser[]>(socket, 'get-presence'));
        return seen.length === 2 && seen;
      })).toEqual(aUsers);
    }
    for (const socket of [b0, b1]) {
      expect(await eventually(async () => {
        const seen = ids(await ask<PresenceUser[]>(socket, 'get-presence'));
        return seen.length === 2 && seen;
      })).toEqual(bUsers);
      attacks += 1;
    }
    // A's users come and go on both nodes while B listens; A's own user sees each change.
    await eventually(() => bChanges.some((c) => c.userId === 'bob-1' && c.status === 'online'));
    a1.disconnect();
    await eventually(() => aChanges.some((c) => c.userId === 'alice-1' && c.status === 'offline'));
    const a1Again = await join(1, 'alice-1', 'acct-a');
    await eventually(() => aChanges.filter((c) => c.userId === 'alice-1' && c.status === 'online').length >= 2);
    a0.disconnect();
    // Asking for another account's presence by payload is not possible: get-presence takes no account.
    const answer = await ask<PresenceUser[]>(b1, 'get-presence', { account: 'acct-a' });
    expect(ids(answer).every((id) => bUsers.includes(id))).toBe(true);
    attacks += 1;
    // Give the cross-node broadcasts of A's changes time to arrive anywhere they (wrongly) could.
    await eventually(async () => ids(await ask<PresenceUser[]>(a1Again, 'get-presence')).join() === 'alice-1');
    expect(bChanges.filter((c) => aUsers.includes(c.userId))).toEqual([]);
    expect(bChanges.map((c) => c.userId).every((id) => bUsers.includes(id))).toBe(true);
    expect(aChanges.map((c) => c.userId).every((id) => aUsers.includes(id))).toBe(true);
    attacks += 3; // A's join, leave and re-join, each broadcast that B must not get
    record({ scenario: 'tenancy: presence across accounts (cluster)', attacks });
    for (const socket of [b0, b1, a1Again]) socket.disconnect();
  });

  it("A's responses and progress, live and replayed from the mailbox after a reconnect, never reach B", async () => {
    // B sits on both nodes, listening to everything; A asks on node 0 (with progress) and never confirms a response.
    const bWatchers = [await join(0, 'bob-r0', 'acct-b'), await join(1, 'bob-r1', 'acct-b')];
    const bResponses: PromptResponse[] = [];
    const bProgress: PromptProgress[] = [];
    for (const watcher of bWatchers) {
      (watcher as unknown as { on(e: string, fn: (r: PromptResponse) => void): void }).on('prompt-response', (r) => bResponses.push(r));
      (watcher as unknown as { on(e: string, fn: (p: PromptProgress) => void): void }).on('prompt-progress', (p) => bProgress.push(p));
    }
    const a = await join(0, 'alice-r', 'acct-a');
    const aRequests = ['a-live-1', 'a-live-2', 'a-live-3'];
    let delivered = 0;
    const withProgress = (socket: Client, requestId: string): Promise<PromptResponse> =>
      socket.timeout(20_000).emitWithAck('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId, progress: true });
    for (const requestId of aRequests) {
      const response = await withProgress(a, requestId);
      expect(response.isSuccess).toBe(true);
      delivered += 1;
    }
    // Not confirmed: the three responses wait in A's mailbox; A reconnects on node 1 and gets them replayed.
    const mailbox = cluster.nodes[1]?.deps.mailbox;
    expect((await mailbox?.pending('alice-r'))?.map((r) => r.requestId).sort()).toEqual([...aRequests].sort());
    a.disconnect();
    const gw1 = cluster.nodes[1] as TestGateway;
    const again = gw1.client({ auth: { token: await gw1.token('alice-r', { account: 'acct-a' }), resume: true } });
    sockets.push(again);
    const replayed = collect<PromptResponse>(again, 'prompt-response');
    await connected(again);
    await eventually(() => replayed.length >= aRequests.length);
    expect(replayed.map((r) => r.requestId).sort()).toEqual([...aRequests].sort());
    expect(replayed.every((r) => r.metadata.replayed === true)).toBe(true);
    // B acking A's requestIds removes nothing of A's.
    for (const requestId of aRequests) {
      expect(await ask(bWatchers[1] as Client, 'ack-response', { requestId })).toEqual({ ok: true, data: { removed: false } });
    }
    expect((await mailbox?.pending('alice-r'))?.length).toBe(aRequests.length);
    // A live response on node 1 too, while B's own request runs alongside.
    const bOwn = await withProgress(bWatchers[0] as Client, 'b-own-1');
    expect(bOwn.isSuccess).toBe(true);
    expect((await withProgress(again, 'a-live-4')).isSuccess).toBe(true);
    delivered += 1;
    // B's listeners work (its own progress reached it); A's responses and progress never did.
    await eventually(() => bProgress.some((p) => p.requestId === 'b-own-1'));
    const aIds = new Set([...aRequests, 'a-live-4']);
    expect(bResponses.filter((r) => aIds.has(r.requestId))).toEqual([]);
    expect(bProgress.filter((p) => aIds.has(p.requestId))).toEqual([]);
    // The cluster-wide history (Redis) keeps them apart as well.
    const bHistory = dataOf(await ask<HistoryEntry[]>(bWatchers[1] as Client, 'get-history', { limit: 100 }));
    expect(bHistory.some((e) => aIds.has(e.requestId))).toBe(false);
    record({
      scenario: 'tenancy: responses and mailbox replay across accounts (cluster)',
      attacks: aRequests.length * 2 + 2,
      promptsSent: aRequests.length + 2,
      delivered: delivered + 1,
    });
  });
});
