// The 8 tools end to end: the real server process over stdio, the embedded store on a temp file, one server for
// the whole file. Covers schemas, every tool's happy path, LeadLovers defaults and the error conventions.
import { TOOL_NAMES, TOOLS, type Lead } from '@leadlovers/tools';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToolResult } from '@leadlovers/tool-result';
import { caller, failure, makeTempDir, ok, startServer, type RunningServer } from './helpers.js';

interface LeadsPage { leads: Lead[]; page: number; pageSize: number; total: number }
interface Machines { machines: { MachineCode: number; MachineName: string; Leads: number }[]; total: number; pageSize: number }
interface Details { machine: { MachineCode: number; Leads: number }; sequences: { SequenceCode: number; SequenceName: string; Levels: { Sequence: number; Subject: string }[] }[] }
interface Email { subject: string; preheader: string; html: string; text: string; model: string }

let server: RunningServer;
const temp = makeTempDir();

beforeAll(async () => {
  server = await startServer({ dbPath: path.join(temp.dir, 'embedded.sqlite') });
});
afterAll(async () => {
  await server?.close();
  temp.remove();
});

describe('tool list', () => {
  it('lists the 8 tools with input and output schemas and read-only hints', async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    for (const tool of tools) {
      const spec = TOOLS[tool.name as keyof typeof TOOLS];
      expect(tool.title).toBe(spec.title);
      expect(tool.description).toBe(spec.description);
      expect(tool.inputSchema.type).toBe('object');
      expect(Object.keys(tool.inputSchema.properties ?? {}).sort()).toEqual(Object.keys(spec.input).sort());
      expect(tool.outputSchema?.type).toBe('object');
      expect(Object.keys(tool.outputSchema?.properties ?? {}).sort()).toEqual(Object.keys(spec.output).sort());
      expect(tool.annotations?.readOnlyHint).toBe(spec.readOnly);
    }
    const createLead = tools.find((t) => t.name === 'create_lead');
    expect(createLead?.inputSchema.required).toEqual(['email']);
  });
});

describe('machines and sequences', () => {
  it('get_machines lists the demo machines, 12345 first, with lead counts matching the lead rows', async () => {
    const result = await server.call('get_machines', {});
    const out = ok<Machines>(result);
    expect(out.total).toBeGreaterThanOrEqual(3);
    expect(out.pageSize).toBe(50);
    expect(out.machines[0]).toMatchObject({ MachineCode: 12345, MachineName: 'Máquina de Boas-vindas' });
    const all = ok<LeadsPage>(await server.call('get_leads', { pageSize: 1 }));
    expect(all.total).toBeGreaterThanOrEqual(50);
    expect(out.machines.reduce((sum, m) => sum + m.Leads, 0)).toBe(all.total);
    for (const machine of out.machines) {
      const inMachine = ok<LeadsPage>(await server.call('get_leads', { machineCode: machine.MachineCode, pageSize: 1 }));
      expect(inMachine.total).toBe(machine.Leads);
    }
    expect(result.content[0]).toEqual({ type: 'text', text: JSON.stringify(out) });
  });

  it('get_machines paginates', async () => {
    const page = ok<Machines>(await server.call('get_machines', { page: 2, pageSize: 2 }));
    expect(page.machines).toHaveLength(2);
    expect(page.machines[0]?.MachineCode).not.toBe(12345);
  });

  it('get_machine_details gives the machine with its sequences and their levels', async () => {
    const out = ok<Details>(await server.call('get_machine_details', { machineCode: 12345 }));
    expect(out.machine.MachineCode).toBe(12345);
    expect(out.sequences.length).toBeGreaterThanOrEqual(2);
    for (const sequence of out.sequences) {
      expect(sequence.Levels.length).toBeGreaterThanOrEqual(3);
      expect(sequence.Levels.length).toBeLessThanOrEqual(5);
      expect(sequence.Levels.map((l) => l.Sequence)).toEqual(sequence.Levels.map((_, i) => i + 1));
      for (const level of sequence.Levels) expect(level.Subject.length).toBeGreaterThan(5);
    }
  });

  it('get_email_sequences lists the same sequences as the details', async () => {
    const details = ok<Details>(await server.call('get_machine_details', { machineCode: 23456 }));
    const out = ok<{ machineCode: number; sequences: { SequenceCode: number; SequenceName: string }[] }>(
      await server.call('get_email_sequences', { machineCode: 23456 }),
    );
    expect(out.machineCode).toBe(23456);
    expect(out.sequences).toEqual(details.sequences.map(({ SequenceCode, SequenceName }) => ({ SequenceCode, SequenceName })));
  });

  it('unknown machine 99999 is NOT_FOUND naming the machine, for every tool that takes one', async () => {
    for (const [tool, args] of [
      ['get_machine_details', { machineCode: 99999 }],
      ['get_email_sequences', { machineCode: 99999 }],
      ['get_leads', { machineCode: 99999 }],
      ['create_lead', { email: 'x@example.com', machineCode: 99999 }],
      ['delete_lead', { email: 'x@example.com', machineCode: 99999 }],
    ] as const) {
      const error = failure(await server.call(tool, args));
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'machineCode' });
      expect(error.message).toContain('99999');
    }
  });
});

describe('leads', () => {
  it('create_lead then get_leads finds it, and the machine count grows', async () => {
    const before = ok<Details>(await server.call('get_machine_details', { machineCode: 23456 }));
    const created = ok<{ lead: Lead; defaultsApplied: string[] }>(
      await server.call('create_lead', {
        email: '  Maria.Souza@Empresa.com.br ',
        name: 'Maria Souza',
        phone: '+55 11 98765-4321',
        city: 'São Paulo',
        state: 'SP',
        tags: ['vip'],
        score: 10,
        machineCode: 23456,
        sequenceCode: 2302,
        levelCode: 2,
      }),
    );
    expect(created.defaultsApplied).toEqual([]);
    expect(created.lead).toMatchObject({
      Email: 'maria.souza@empresa.com.br',
      Name: 'Maria Souza',
      MachineCode: 23456,
      SequenceCode: 2302,
      Level: 2,
      Score: 10,
      Tags: ['vip'],
    });
    const found = ok<LeadsPage>(await server.call('get_leads', { email: 'maria.souza@empresa.com.br' }));
    expect(found.leads).toEqual([created.lead]);
    const after = ok<Details>(await server.call('get_machine_details', { machineCode: 23456 }));
    expect(after.machine.Leads).toBe(before.machine.Leads + 1);
  });

  it('create_lead without machine takes the first machine, sequence and level, and says so', async () => {
    const result = await server.call('create_lead', { email: 'carlos@empresa.com', name: 'Carlos Silva' });
    const out = ok<{ lead: Lead; defaultsApplied: string[] }>(result);
    const details = ok<Details>(await server.call('get_machine_details', { machineCode: 12345 }));
    expect(out.defaultsApplied).toEqual(['machineCode', 'sequenceCode', 'levelCode']);
    expect(out.lead).toMatchObject({ MachineCode: 12345, SequenceCode: details.sequences[0]?.SequenceCode, Level: 1 });
    const summary = result.content[1];
    expect(summary?.type === 'text' && summary.text).toBe('Lead carlos@empresa.com created in machine 12345. Defaults used: machineCode, sequenceCode, levelCode.');
  });

  it('create_lead defaults only what is missing: the level of a named sequence', async () => {
    const out = ok<{ lead: Lead; defaultsApplied: string[] }>(
      await server.call('create_lead', { email: 'level.default@example.com', machineCode: 34567, sequenceCode: 3402 }),
    );
    expect(out.defaultsApplied).toEqual(['levelCode']);
    expect(out.lead).toMatchObject({ MachineCode: 34567, SequenceCode: 3402, Level: 1 });
  });

  it('rejects a duplicate email in the same machine (CONFLICT) but allows it in another machine', async () => {
    await server.call('create_lead', { email: 'dup@example.com', machineCode: 12345 });
    const error = failure(await server.call('create_lead', { email: 'DUP@example.com', machineCode: 12345 }));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'email' });
    ok(await server.call('create_lead', { email: 'dup@example.com', machineCode: 45678 }));
  });

  it('unknown sequence or level is NOT_FOUND naming which', async () => {
    const sequence = failure(await server.call('create_lead', { email: 's@example.com', machineCode: 12345, sequenceCode: 2301 }));
    expect(sequence).toMatchObject({ code: 'NOT_FOUND', field: 'sequenceCode' });
    expect(sequence.message).toContain('2301');
    const level = failure(await server.call('create_lead', { email: 's@example.com', machineCode: 12345, levelCode: 9 }));
    expect(level).toMatchObject({ code: 'NOT_FOUND', field: 'levelCode' });
    expect(level.message).toContain('Level 9');
  });

  it('update_lead sets and adds score, and updates profile fields by email', async () => {
    ok(await server.call('create_lead', { email: 'score@example.com', score: 5 }));
    const set = ok<{ lead: Lead; updatedFields: string[] }>(await server.call('update_lead', { email: 'score@example.com', score: 40 }));
    expect(set.lead.Score).toBe(40);
    expect(set.updatedFields).toEqual(['score']);
    const add = ok<{ lead: Lead; updatedFields: string[] }>(
      await server.call('update_lead', { email: 'score@example.com', score: 15, scoreMode: 'add', city: 'Recife', tags: ['webinar'] }),
    );
    expect(add.lead).toMatchObject({ Score: 55, City: 'Recife', Tags: ['webinar'] });
    expect(add.updatedFields).toEqual(['city', 'tags', 'score']);
    const overwrite = ok<{ lead: Lead }>(await server.call('update_lead', { email: 'score@example.com', score: 1, scoreMode: 'set' }));
    expect(overwrite.lead.Score).toBe(1);
  });

  it('update_lead: unknown lead is NOT_FOUND, nothing to update is INVALID_ARGUMENTS', async () => {
    expect(failure(await server.call('update_lead', { email: 'nobody@example.com', score: 1 }))).toMatchObject({ code: 'NOT_FOUND', field: 'email' });
    expect(failure(await server.call('update_lead', { email: 'carlos@empresa.com' }))).toMatchObject({ code: 'INVALID_ARGUMENTS' });
    expect(failure(await server.call('update_lead', { email: 'carlos@empresa.com', scoreMode: 'add' }))).toMatchObject({
      code: 'INVALID_ARGUMENTS',
      field: 'score',
    });
  });

  it('delete_lead from a sequence (funnel) keeps the lead in the machine; from the machine removes it', async () => {
    const { lead } = ok<{ lead: Lead }>(await server.call('create_lead', { email: 'funnel@example.com', machineCode: 12345 }));
    const sequenceCode = lead.SequenceCode as number;

    const notThere = failure(await server.call('delete_lead', { email: 'funnel@example.com', machineCode: 12345, sequenceCode: 1202 }));
    expect(notThere).toMatchObject({ code: 'NOT_FOUND', field: 'sequenceCode' });

    const funnel = ok(await server.call('delete_lead', { email: 'funnel@example.com', machineCode: 12345, sequenceCode }));
    expect(funnel).toEqual({ email: 'funnel@example.com', machineCode: 12345, sequenceCode, removed: 'funnel' });
    const stays = ok<LeadsPage>(await server.call('get_leads', { email: 'funnel@example.com' }));
    expect(stays.leads[0]).toMatchObject({ MachineCode: 12345, SequenceCode: null, Level: null });

    const machine = ok(await server.call('delete_lead', { email: 'funnel@example.com', machineCode: 12345 }));
    expect(machine).toEqual({ email: 'funnel@example.com', machineCode: 12345, sequenceCode: null, removed: 'machine' });
    expect(ok<LeadsPage>(await server.call('get_leads', { email: 'funnel@example.com' })).total).toBe(0);

    const again = failure(await server.call('delete_lead', { email: 'funnel@example.com', machineCode: 12345 }));
    expect(again).toMatchObject({ code: 'NOT_FOUND', field: 'email' });
  });

  it('get_leads pages in Code order and filters by search, sequence and date', async () => {
    const first = ok<LeadsPage>(await server.call('get_leads', {}));
    expect(first.pageSize).toBe(20);
    expect(first.leads).toHaveLength(20);
    const page2 = ok<LeadsPage>(await server.call('get_leads', { page: 2, pageSize: 5 }));
    expect(page2.leads.map((l) => l.Code)).toEqual(first.leads.slice(5, 10).map((l) => l.Code));
    const codes = first.leads.map((l) => l.Code);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));

    const silva = ok<LeadsPage>(await server.call('get_leads', { search: 'silva', pageSize: 100 }));
    expect(silva.total).toBeGreaterThan(0);
    for (const lead of silva.leads) expect(`${lead.Name} ${lead.Email}`.toLowerCase()).toContain('silva');

    const inSequence = ok<LeadsPage>(await server.call('get_leads', { sequenceCode: 2301, pageSize: 100 }));
    for (const lead of inSequence.leads) expect(lead.SequenceCode).toBe(2301);

    const dated = ok<LeadsPage>(await server.call('get_leads', { startDate: '2025-01-01', endDate: '2025-06-30', pageSize: 100 }));
    expect(dated.total).toBeGreaterThan(0);
    for (const lead of dated.leads) expect(lead.RegistrationDate.slice(0, 10) >= '2025-01-01' && lead.RegistrationDate.slice(0, 10) <= '2025-06-30').toBe(true);
    expect(failure(await server.call('get_leads', { startDate: '2025-06-30', endDate: '2025-01-01' }))).toMatchObject({ code: 'INVALID_ARGUMENTS' });
  });
});

describe('create_email_content (templates)', () => {
  it('writes a Portuguese welcome email by default', async () => {
    const out = ok<Email>(await server.call('create_email_content', { topic: 'boas-vindas para novos assinantes' }));
    expect(out.model).toBe('template');
    expect(out.subject).toMatch(/Boas-vindas/);
    expect(out.html).toContain('<html lang="pt-BR">');
    expect(out.text).toMatch(/Obrigado por se juntar a nós/);
  });

  it('writes Black Friday 50% in Portuguese and English', async () => {
    const pt = ok<Email>(
      await server.call('create_email_content', { topic: 'Black Friday', discount: '50%', offer: 'curso de marketing' }),
    );
    expect(pt.subject).toBe('Black Friday: 50% OFF em curso de marketing');
    expect(pt.html).toContain('50% de desconto');
    const en = ok<Email>(
      await server.call('create_email_content', { topic: 'Black Friday', discount: '50%', offer: 'marketing course', language: 'en' }),
    );
    expect(en.subject).toBe('Black Friday: 50% off marketing course');
    expect(en.html).toContain('<html lang="en">');
    expect(en.text).toContain('50% off');
  });

  it('escapes the caller’s words in the HTML', async () => {
    const out = ok<Email>(
      await server.call('create_email_content', { topic: 'promoção', offer: '<script>alert("x")</script>', audience: 'Tom & Jerry' }),
    );
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(out.html).toContain('Tom &amp; Jerry');
    expect(out.text).toContain('<script>alert("x")</script>');
  });
});

describe('error conventions', () => {
  it('a call without caller meta is FORBIDDEN', async () => {
    const result = await server.call('get_machines', {}, null);
    expect(result.isError).toBe(true);
    expect(failure(result).code).toBe('FORBIDDEN');
    const blank = await server.call('get_machines', {}, { account: ' ', userId: 'u1' });
    expect(failure(blank).code).toBe('FORBIDDEN');
  });

  it('failures carry { code, message, field? } in structuredContent and the message as text', async () => {
    const result = await server.call('get_machine_details', { machineCode: 99999 });
    expect(result).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'Machine 99999 not found' }],
      structuredContent: { code: 'NOT_FOUND', message: 'Machine 99999 not found', field: 'machineCode' },
    });
  });

  it('schema-invalid arguments: the SDK itself answers an isError result (not a JSON-RPC -32602 error) without structuredContent', async () => {
    const result = await server.call('create_lead', { email: 'not-an-email' });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(text).toMatch(/^MCP error -32602: Input validation error: Invalid arguments for tool create_lead: .*email/);
    // readToolResult turns that into the same shape as our own failures.
    expect(readToolResult(result)).toMatchObject({ kind: 'result', result: { ok: false, code: 'INVALID_ARGUMENTS', field: 'email' } });
    expect(readToolResult(await server.call('get_machines', { pageSize: 500 }))).toMatchObject({ result: { code: 'INVALID_ARGUMENTS', field: 'pageSize' } });
    // An unknown tool is also an isError result in this SDK version: no tool answered, so it is the call's failure.
    expect(readToolResult(await server.call('drop_database', {}))).toMatchObject({ kind: 'error', error: { code: 'UNKNOWN_TOOL' } });
  });

  it('SDK 1.x client.callTool throws on our error results once listTools() cached output validators (issue #1943)', async () => {
    // If this starts failing, the SDK fixed the asymmetry and clients may use callTool() for errors again.
    await server.client.listTools();
    await expect(
      server.client.callTool({ name: 'get_machine_details', arguments: { machineCode: 99999 }, _meta: { 'leadlovers/caller': caller('acme') } }),
    ).rejects.toThrow(/Structured content does not match the tool's output schema/);
    const raw = await server.client.request(
      { method: 'tools/call', params: { name: 'get_machine_details', arguments: { machineCode: 99999 }, _meta: { 'leadlovers/caller': caller('acme') } } },
      CallToolResultSchema,
    );
    expect(readToolResult(raw)).toEqual({ kind: 'result', result: { ok: false, code: 'NOT_FOUND', message: 'Machine 99999 not found', field: 'machineCode' } });
  });
});
