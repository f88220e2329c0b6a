// The one-line summaries, per tool and language: the prompt-response `message` of every successful tool call
// and the MCP server's summary line. Pinned word for word: clients show them as they are.
import { describe, expect, it } from 'vitest';
import { summarizeToolResult } from '../src/index.js';

const lead = { Email: 'ana@example.com', MachineCode: 101 };
const cases: Array<[string, unknown, string, string]> = [
  ['get_machines', { machines: [{}, {}], total: 5 }, '2 máquina(s) encontrada(s) de 5.', 'Found 2 of 5 machine(s).'],
  ['get_leads', { leads: [{}], total: 30 }, '1 lead(s) nesta página, 30 no total.', '1 lead(s) on this page, 30 in total.'],
  ['create_lead', { lead, defaultsApplied: [] }, 'Lead ana@example.com criado na máquina 101.', 'Lead ana@example.com created in machine 101.'],
  [
    'create_lead',
    { lead, defaultsApplied: ['sequenceCode', 'levelCode'] },
    'Lead ana@example.com criado na máquina 101. Valores padrão usados: sequenceCode, levelCode.',
    'Lead ana@example.com created in machine 101. Defaults used: sequenceCode, levelCode.',
  ],
  ['update_lead', { lead, updatedFields: ['score', 'phone'] }, 'Lead ana@example.com atualizado (score, phone).', 'Lead ana@example.com updated (score, phone).'],
  ['delete_lead', { email: 'ana@example.com', machineCode: 101, removed: 'machine' }, 'Lead ana@example.com removido da máquina 101.', 'Lead ana@example.com removed from machine 101.'],
  [
    'delete_lead',
    { email: 'ana@example.com', machineCode: 101, sequenceCode: 201, removed: 'funnel' },
    'Lead ana@example.com removido da sequência 201 da máquina 101.',
    'Lead ana@example.com removed from sequence 201 of machine 101.',
  ],
  ['get_machine_details', { machine: { MachineName: 'Funil' }, sequences: [{}, {}] }, 'Máquina Funil: 2 sequência(s) de email.', 'Machine Funil: 2 email sequence(s).'],
  ['get_email_sequences', { machineCode: 101, sequences: [{}] }, '1 sequência(s) na máquina 101.', '1 sequence(s) in machine 101.'],
  ['create_email_content', { subject: 'Olá' }, 'Email gerado: "Olá".', 'Email written: "Olá".'],
  ['drop_database', {}, 'Ferramenta drop_database executada.', 'Tool drop_database ran.'],
];

describe('summarizeToolResult', () => {
  it.each(cases)('%s', (tool, data, pt, en) => {
    expect(summarizeToolResult(tool, data, 'pt')).toBe(pt);
    expect(summarizeToolResult(tool, data, 'en')).toBe(en);
  });

  it('says why an email came from the templates, when the server knows', () => {
    const notes = { fallbackReason: 'Request timed out' };
    expect(summarizeToolResult('create_email_content', { subject: 'Oi' }, 'en', notes)).toBe('Email written: "Oi" (fallback to the templates: Request timed out).');
    expect(summarizeToolResult('create_email_content', { subject: 'Oi' }, 'pt', notes)).toBe('Email gerado: "Oi" (templates no lugar do LLM: Request timed out).');
  });

  it('never throws on data of the wrong shape', () => {
    for (const data of [null, 'text', 42, { lead: 'x', machines: 'y', leads: {} }]) {
      for (const [tool] of cases) expect(typeof summarizeToolResult(tool, data, 'pt')).toBe('string');
    }
  });
});
