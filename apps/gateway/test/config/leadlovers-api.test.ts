// The gateway with the LeadLovers REST backend: the MCP children talk to a local fake LeadLovers API with the
// caller's account token. One end-to-end request per tool through the gateway, prompts included, and account
// isolation: an account without its own token is refused and sends nothing to LeadLovers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, startFakeLeadLovers, type FakeLeadLovers } from '../../../mcp-server/test/fake-leadlovers.js';
import { callTool, sendPrompt, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';

describe('gateway with the LeadLovers REST API', () => {
  let fake: FakeLeadLovers;
  let gw: TestGateway;
  let acme: Client;

  beforeAll(async () => {
    fake = await startFakeLeadLovers();
    fake.account('tok-gw-acme', demoAccount());
    gw = await startGateway({
      LEADLOVERS_API_URL: fake.url,
      LEADLOVERS_ACCOUNT_TOKENS: JSON.stringify({ acme: 'tok-gw-acme' }),
      LEADLOVERS_TIMEOUT_MS: '5000',
      PROMPT_RATE_PER_MINUTE: '1000',
    });
    acme = await gw.connect('acme-user', { account: 'acme' });
  });
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  const lastToken = () => fake.requests.at(-1)?.token;

  it('says so at start-up, without the token', () => {
    expect(gw.deps.defaults.some((line) => line.startsWith('LeadLovers data: REST API at 127.0.0.1'))).toBe(true);
    expect(gw.rawLogs.join('\n')).not.toContain('tok-gw-acme');
  });

  it('get_machines (from a prompt)', async () => {
    const response = await sendPrompt(acme, 'Liste todas as máquinas disponíveis');
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    expect((response.data as { machines: Array<{ MachineCode: number }> }).machines.map((m) => m.MachineCode)).toEqual([101, 102]);
    expect(lastToken()).toBe('tok-gw-acme');
  });

  it('get_machine_details and get_email_sequences', async () => {
    expect(await callTool(acme, 'get_machine_details', { machineCode: 101 })).toMatchObject({ isSuccess: true, data: { machine: { MachineName: 'Funil Principal' } } });
    const sequences = await callTool(acme, 'get_email_sequences', { machineCode: 102 });
    expect(sequences).toMatchObject({ isSuccess: true, data: { sequences: [{ SequenceCode: 203, SequenceName: 'Carrinho' }] } });
  });

  it('get_leads', async () => {
    const response = await callTool(acme, 'get_leads', { machineCode: 101 });
    expect(response.isSuccess).toBe(true);
    expect((response.data as { leads: Array<{ MachineCode: number }> }).leads.every((l) => l.MachineCode === 101)).toBe(true);
  });

  it('create_lead, update_lead and delete_lead reach the API once each', async () => {
    const created = await sendPrompt(acme, 'Crie um lead chamado Nina Alves, email nina@acme.com, na máquina 101');
    expect(created).toMatchObject({ isSuccess: true, tool: 'create_lead', data: { lead: { Email: 'nina@acme.com', MachineCode: 101 } } });
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/Lead')).toHaveLength(1);

    const updated = await callTool(acme, 'update_lead', { email: 'nina@acme.com', score: 40 });
    expect(updated).toMatchObject({ isSuccess: true, tool: 'update_lead' });
    expect(fake.requests.some((r) => r.method === 'POST' && r.path === '/Score')).toBe(true);

    const removed = await callTool(acme, 'delete_lead', { email: 'nina@acme.com', machineCode: 101 });
    expect(removed).toMatchObject({ isSuccess: true, tool: 'delete_lead' });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/Lead', token: 'tok-gw-acme' });
  });

  it('create_email_content still writes from templates', async () => {
    const email = await callTool(acme, 'create_email_content', { topic: 'boas-vindas' });
    expect(email).toMatchObject({ isSuccess: true, metadata: { model: 'template' } });
  });

  it('LeadLovers errors reach the client with their code and message', async () => {
    fake.fail({ kind: 'error-with-200', statusCode: 400, message: 'Email inválido' });
    const response = await callTool(acme, 'create_lead', { email: 'ok@acme.com', machineCode: 101 });
    expect(response).toMatchObject({ isSuccess: false, code: 'INVALID_ARGUMENTS' });
    expect(response.error).toContain('Email inválido');
  });

  it('an account without its own token is refused and nothing is sent', async () => {
    const other = await gw.connect('globex-user', { account: 'globex' });
    const before = fake.requests.length;
    const response = await callTool(other, 'get_machines', {});
    expect(response).toMatchObject({ isSuccess: false, code: 'FORBIDDEN' });
    expect(fake.requests.length).toBe(before);
  });
});
