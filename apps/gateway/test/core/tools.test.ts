// call-tool runs one tool directly (no planner): every tool against the embedded store, and account isolation —
// account A never sees, changes or deletes account B's leads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';

interface Lead { Email: string; Score: number; MachineCode: number; Name: string | null }

describe('tools through call-tool', () => {
  let gw: TestGateway;
  let a: Client;
  let b: Client;
  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '10000' });
    a = await gw.connect('user-a', { account: 'account-a' });
    b = await gw.connect('user-b', { account: 'account-b' });
  });
  afterAll(() => gw.close());

  it('get_machines, get_machine_details and get_email_sequences', async () => {
    const machines = await callTool(a, 'get_machines', {});
    expect(machines.isSuccess).toBe(true);
    const list = (machines.data as { machines: Array<{ MachineCode: number; Leads: number }> }).machines;
    expect(list.length).toBeGreaterThanOrEqual(3);
    const details = await callTool(a, 'get_machine_details', { machineCode: 12345 });
    expect(details).toMatchObject({ isSuccess: true, data: { machine: { MachineCode: 12345 } } });
    const sequences = await callTool(a, 'get_email_sequences', { machineCode: 12345 });
    expect((sequences.data as { sequences: unknown[] }).sequences.length).toBeGreaterThan(0);
  });

  it('get_leads pages through at least 50 demo leads', async () => {
    const page = await callTool(a, 'get_leads', { pageSize: 10 });
    const data = page.data as { leads: Lead[]; total: number; page: number };
    expect(data.leads).toHaveLength(10);
    expect(data.total).toBeGreaterThanOrEqual(50);
  });

  it('create, update, delete change the store', async () => {
    const created = await callTool(a, 'create_lead', { email: 'Tool.User@Example.com', name: 'Tool User', machineCode: 12345 });
    expect(created).toMatchObject({ isSuccess: true, data: { lead: { Email: 'tool.user@example.com', MachineCode: 12345 } } });
    const dup = await callTool(a, 'create_lead', { email: 'tool.user@example.com', machineCode: 12345 });
    expect(dup.code).toBe('CONFLICT');
    const updated = await callTool(a, 'update_lead', { email: 'tool.user@example.com', score: 10, scoreMode: 'add' });
    expect(updated.isSuccess).toBe(true);
    const after = await callTool(a, 'get_leads', { email: 'tool.user@example.com' });
    expect((after.data as { leads: Lead[] }).leads[0]?.Score).toBe((created.data as { lead: Lead }).lead.Score + 10);
    const deleted = await callTool(a, 'delete_lead', { email: 'tool.user@example.com', machineCode: 12345 });
    expect(deleted.isSuccess).toBe(true);
    const again = await callTool(a, 'delete_lead', { email: 'tool.user@example.com', machineCode: 12345 });
    expect(again.code).toBe('NOT_FOUND');
  });

  it('create_email_content writes a template email', async () => {
    const email = await callTool(a, 'create_email_content', { topic: 'Black Friday', discount: '50%', offer: 'curso de marketing' });
    expect(email).toMatchObject({ isSuccess: true, metadata: { model: 'template' } });
    const data = email.data as { subject: string; html: string; preheader: string };
    expect(data.subject).toMatch(/Black Friday/i);
    expect(data.html).toMatch(/50%/);
  });

  it('account isolation: B never sees, changes or deletes A’s leads', async () => {
    await callTool(a, 'create_lead', { email: 'secret.lead@a.com', name: 'Secret A', machineCode: 12345 });
    const seenByB = await callTool(b, 'get_leads', { email: 'secret.lead@a.com' });
    expect((seenByB.data as { total: number }).total).toBe(0);
    const searchB = await callTool(b, 'get_leads', { search: 'Secret A', pageSize: 100 });
    expect((searchB.data as { leads: Lead[] }).leads.map((l) => l.Email)).not.toContain('secret.lead@a.com');
    expect((await callTool(b, 'update_lead', { email: 'secret.lead@a.com', score: 99 })).code).toBe('NOT_FOUND');
    expect((await callTool(b, 'delete_lead', { email: 'secret.lead@a.com', machineCode: 12345 })).code).toBe('NOT_FOUND');
    const stillThere = await callTool(a, 'get_leads', { email: 'secret.lead@a.com' });
    expect((stillThere.data as { leads: Lead[] }).leads[0]).toMatchObject({ Email: 'secret.lead@a.com', Name: 'Secret A' });
  });
});
