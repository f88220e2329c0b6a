// send-prompt end to end: every example prompt of the product document (and its English twin) reaches the right
// tool on a real MCP child and answers through the ack, or as a prompt-response event when the emit has no ack.
import type { AckResult, PromptResponse, ToolDescriptor } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, collect, nextEvent, sendPrompt, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

describe('prompts', () => {
  let gw: TestGateway;
  let socket: Client;
  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '10000' });
    socket = await gw.connect('prompt-user', { account: 'prompt-account' });
  });
  afterAll(() => gw.close());

  it.each([
    ['Liste todas as máquinas disponíveis', 'get_machines'],
    ['Mostre todas as máquinas', 'get_machines'],
    ['List all available machines', 'get_machines'],
    ['Busque leads da máquina 12345', 'get_leads'],
    ['Liste os leads da máquina 12345', 'get_leads'],
    ['Show leads of machine 12345', 'get_leads'],
    ['Detalhes da máquina 12345', 'get_machine_details'],
    ['Details of machine 12345', 'get_machine_details'],
    ['Liste sequências da máquina 12345', 'get_email_sequences'],
    ['List sequences of machine 12345', 'get_email_sequences'],
    ['Gere um email de boas-vindas para novos assinantes', 'create_email_content'],
    ['Crie um email de Black Friday com 50% de desconto para curso de marketing', 'create_email_content'],
    ['Write a welcome email for new subscribers', 'create_email_content'],
    ['Create a Black Friday email with 50% off for a marketing course', 'create_email_content'],
  ])('"%s" → %s', async (prompt, tool) => {
    const response = await sendPrompt(socket, prompt);
    expect(response, JSON.stringify(response)).toMatchObject({ isSuccess: true, tool, metadata: { planner: 'rules' } });
    expect(response.metadata.executionTime).toBeGreaterThanOrEqual(0);
    expect(response.message).toBeTruthy();
  });

  it('returns machines with real data from the embedded store', async () => {
    const response = await sendPrompt(socket, 'Liste todas as máquinas disponíveis');
    const data = response.data as { machines: Array<{ MachineCode: number; MachineName: string }> };
    expect(data.machines.length).toBeGreaterThanOrEqual(3);
    expect(data.machines.map((m) => m.MachineCode)).toContain(12345);
  });

  it('creates leads from the example prompts, with the fields they name', async () => {
    const joao = await sendPrompt(socket, 'Criar um lead chamado João Silva com email joao@example.com');
    expect(joao).toMatchObject({ isSuccess: true, tool: 'create_lead', data: { lead: { Email: 'joao@example.com', Name: 'João Silva' } } });

    const carlos = await sendPrompt(socket, 'Crie um lead chamado Carlos Silva, email carlos@empresa.com, telefone 11987654321, na máquina 12345');
    expect(carlos).toMatchObject({
      isSuccess: true,
      tool: 'create_lead',
      data: { lead: { Email: 'carlos@empresa.com', Name: 'Carlos Silva', Phone: '11987654321', MachineCode: 12345 } },
    });

    const found = await sendPrompt(socket, 'Busque o lead carlos@empresa.com');
    expect(found.tool).toBe('get_leads');
    expect((found.data as { leads: Array<{ Email: string }> }).leads.map((l) => l.Email)).toEqual(['carlos@empresa.com']);
  });

  it('asks for the email when a lead is named without one', async () => {
    const response = await sendPrompt(socket, 'Crie um lead para Maria Santos');
    expect(response).toMatchObject({ isSuccess: false, code: 'NEEDS_INPUT', tool: 'create_lead', data: { missing: ['email'] } });
    expect(response.message).toMatch(/e-?mail/i);
  });

  it('updates a score and removes a lead from a machine', async () => {
    await sendPrompt(socket, 'Crie um lead chamado Ana Lima, email ana.lima@example.com, na máquina 12345');
    const updated = await sendPrompt(socket, 'Atualize o score do lead ana.lima@example.com para 80');
    expect(updated).toMatchObject({ isSuccess: true, tool: 'update_lead', data: { lead: { Email: 'ana.lima@example.com', Score: 80 } } });
    const removed = await sendPrompt(socket, 'Remova o lead ana.lima@example.com da máquina 12345');
    expect(removed).toMatchObject({ isSuccess: true, tool: 'delete_lead' });
    const gone = await sendPrompt(socket, 'Busque o lead ana.lima@example.com');
    expect((gone.data as { leads: unknown[] }).leads).toEqual([]);
  });

  it('tool errors come back with their code', async () => {
    const response = await sendPrompt(socket, 'Detalhes da máquina 99999');
    expect(response).toMatchObject({ isSuccess: false, tool: 'get_machine_details', code: 'NOT_FOUND' });
    expect(response.error).toMatch(/99999/);
  });

  it('answers UNKNOWN_INTENT with examples', async () => {
    const response = await sendPrompt(socket, 'qual a previsão do tempo amanhã?');
    expect(response).toMatchObject({ isSuccess: false, code: 'UNKNOWN_INTENT' });
    expect((response.data as { examples: string[] }).examples.length).toBeGreaterThan(0);
  });

  it('emits prompt-response as an event when there is no ack, with progress first when asked for', async () => {
    const progress = nextEvent<{ requestId: string; stage: string }>(socket, 'prompt-progress');
    const event = nextEvent<PromptResponse>(socket, 'prompt-response');
    socket.emit('send-prompt', { prompt: 'Mostre todas as máquinas', requestId: 'event-only-1', progress: true });
    expect(await progress).toMatchObject({ requestId: 'event-only-1', stage: 'planned' });
    expect(await event).toMatchObject({ requestId: 'event-only-1', isSuccess: true, tool: 'get_machines' });
  });

  it('with an ack, the ack is the only frame back: the same response the event would have carried', async () => {
    const events = collect<PromptResponse>(socket, 'prompt-response');
    const progress = collect<unknown>(socket, 'prompt-progress');
    const ack = await sendPrompt(socket, 'Mostre todas as máquinas', 'both-1');
    expect(ack).toMatchObject({ requestId: 'both-1', isSuccess: true, tool: 'get_machines' });
    // The stored response (what a replay re-sends) is the one the ack carried.
    expect((await gw.deps.mailbox.pending('prompt-user')).find((r) => r.requestId === 'both-1')).toEqual(ack);
    await sendPrompt(socket, 'Mostre todas as máquinas', 'both-2'); // a later answer: anything for both-1 came before it
    expect(events).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('a repeated requestId returns the stored response and runs nothing twice', async () => {
    const prompt = 'Crie um lead chamado Idem Potente, email idem@example.com, na máquina 12345';
    const first = await sendPrompt(socket, prompt, 'idem-1');
    const second = await sendPrompt(socket, prompt, 'idem-1');
    expect(first.isSuccess).toBe(true);
    expect(second).toMatchObject({ isSuccess: true, requestId: 'idem-1', data: first.data, metadata: { replayed: true } });
    const leads = await callTool(socket, 'get_leads', { email: 'idem@example.com' });
    expect((leads.data as { total: number }).total).toBe(1);

    const concurrent = await Promise.all([1, 2, 3].map(() => sendPrompt(socket, 'Crie um lead chamado Par Alelo, email par@example.com', 'idem-2')));
    expect(new Set(concurrent.map((r) => JSON.stringify(r.data))).size).toBe(1);
    expect(((await callTool(socket, 'get_leads', { email: 'par@example.com' })).data as { total: number }).total).toBe(1);

    const reused = await sendPrompt(socket, 'Mostre todas as máquinas', 'idem-1');
    expect(reused).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
  });

  it('keeps history of prompts and responses', async () => {
    const history = await socket.timeout(5000).emitWithAck('get-history', { limit: 3 });
    expect(history.ok).toBe(true);
    if (history.ok) {
      expect(history.data).toHaveLength(3);
      expect(history.data[0]?.response.requestId).toBe(history.data[0]?.requestId);
    }
  });

  it('lists the 8 tools with their schemas', async () => {
    const result = (await socket.timeout(5000).emitWithAck('list-tools')) as AckResult<ToolDescriptor[]>;
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.data.map((t) => t.name).sort()).toEqual(
        ['create_email_content', 'create_lead', 'delete_lead', 'get_email_sequences', 'get_leads', 'get_machine_details', 'get_machines', 'update_lead'],
      );
      expect(result.data.every((t) => t.inputSchema.type === 'object')).toBe(true);
    }
  });

  it('re-sends unacknowledged responses on reconnect, and not acknowledged ones', async () => {
    const first = await gw.connect('mailbox-user');
    const kept = await sendPrompt(first, 'Mostre todas as máquinas', 'mail-keep');
    const acked = await sendPrompt(first, 'Mostre todas as máquinas', 'mail-ack');
    await first.timeout(5000).emitWithAck('ack-response', { requestId: 'mail-ack' });
    first.disconnect();

    const replays: PromptResponse[] = [];
    const second = gw.client({ auth: { token: await gw.token('mailbox-user') } });
    second.on('prompt-response', (r) => replays.push(r));
    second.connect();
    await eventually(() => replays.length >= 1);
    expect(replays.map((r) => r.requestId)).toEqual([kept.requestId]);
    expect(replays[0]).toMatchObject({ data: kept.data, metadata: { replayed: true } });
    expect(acked.requestId).toBe('mail-ack');
  });

  it('logs each prompt with its request id and duration', async () => {
    await sendPrompt(socket, 'Mostre todas as máquinas', 'logged-1');
    const line = await eventually(() => gw.logs.find((l) => l.msg === 'prompt answered' && l.requestId === 'logged-1'));
    expect(line).toMatchObject({ userId: 'prompt-user', tool: 'get_machines', isSuccess: true });
    expect(typeof line?.durationMs).toBe('number');
  });
});
