// End to end through the real stdio MCP server process with the HTTP backend: one call per tool against the fake
// LeadLovers API, the caller's account choosing the token, and a start-up log that names the backend but no token.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpServerCommand } from '../src/index.js';
import { demoAccount, startFakeLeadLovers, type FakeLeadLovers } from './fake-leadlovers.js';
import { caller, failure, makeTempDir, ok, startServer, type RunningServer } from './helpers.js';

const temp = makeTempDir();
let fake: FakeLeadLovers;
let server: RunningServer;
const acme = caller('acme');

beforeAll(async () => {
  fake = await startFakeLeadLovers();
  fake.account('tok-e2e-acme', demoAccount());
  server = await startServer({
    dbPath: path.join(temp.dir, 'unused.sqlite'),
    env: {
      LEADLOVERS_API_URL: fake.url,
      LEADLOVERS_ACCOUNT_TOKENS: JSON.stringify({ acme: 'tok-e2e-acme', globex: 'tok-e2e-globex' }),
      LEADLOVERS_TIMEOUT_MS: '5000',
    },
  });
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
  temp.remove();
});

describe('MCP server over stdio with the LeadLovers HTTP backend', () => {
  it('logs that it uses the LeadLovers API, without any token', () => {
    const ready = server.stderr().split('\n').find((line) => line.includes('ready on stdio'));
    expect(ready).toContain('"backend":"http"');
    expect(ready).toContain('acme, globex');
    expect(server.stderr()).not.toContain('tok-e2e');
  });

  it('get_machines', async () => {
    const out = ok<{ machines: { MachineCode: number }[]; total: number }>(await server.call('get_machines', {}, acme));
    expect(out.machines.map((m) => m.MachineCode)).toEqual([101, 102]);
    expect(fake.requests.at(-1)?.token).toBe('tok-e2e-acme');
  });

  it('get_machine_details', async () => {
    const out = ok<{ machine: { MachineName: string }; sequences: { Levels: unknown[] }[] }>(await server.call('get_machine_details', { machineCode: 101 }, acme));
    expect(out.machine.MachineName).toBe('Funil Principal');
    expect(out.sequences[0]?.Levels).toHaveLength(2);
  });

  it('get_email_sequences', async () => {
    const out = ok<{ sequences: { SequenceName: string }[] }>(await server.call('get_email_sequences', { machineCode: 102 }, acme));
    expect(out.sequences).toEqual([{ SequenceCode: 203, SequenceName: 'Carrinho' }]);
  });

  it('get_leads', async () => {
    const out = ok<{ leads: { Email: string; MachineCode: number }[] }>(await server.call('get_leads', { machineCode: 101 }, acme));
    expect(out.leads.map((l) => l.Email)).toEqual(['ana@example.com', 'bruno@example.com']);
  });

  it('create_lead', async () => {
    const result = await server.call('create_lead', { email: 'E2E@Example.com', name: 'Ponta a Ponta' }, acme);
    const out = ok<{ lead: { Code: number; Email: string; MachineCode: number }; defaultsApplied: string[] }>(result);
    expect(out.lead).toMatchObject({ Code: 0, Email: 'e2e@example.com', MachineCode: 101 });
    expect(out.defaultsApplied).toEqual(['machineCode', 'sequenceCode', 'levelCode']);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/Lead')).toHaveLength(1);
    // Code 0: LeadLovers only queued the lead; the summary line names what is known.
    expect(result.content[1]).toEqual({ type: 'text', text: 'Lead e2e@example.com created in machine 101. Defaults used: machineCode, sequenceCode, levelCode.' });
  });

  it('update_lead', async () => {
    const out = ok<{ lead: { Score: number; City: string } }>(
      await server.call('update_lead', { email: 'ana@example.com', city: 'Natal', score: 2, scoreMode: 'add' }, acme),
    );
    expect(out.lead).toMatchObject({ City: 'Natal', Score: 12 });
  });

  it('delete_lead', async () => {
    const out = ok(await server.call('delete_lead', { email: 'carla@example.com', machineCode: 102 }, acme));
    expect(out).toEqual({ email: 'carla@example.com', machineCode: 102, sequenceCode: null, removed: 'machine' });
    expect(failure(await server.call('delete_lead', { email: 'carla@example.com', machineCode: 102 }, acme)).code).toBe('NOT_FOUND');
  });

  it('create_email_content stays on the templates', async () => {
    const before = fake.requests.length;
    const out = ok<{ model: string; subject: string }>(await server.call('create_email_content', { topic: 'boas-vindas' }, acme));
    expect(out.model).toBe('template');
    expect(fake.requests.length).toBe(before);
  });

  it('refuses an account without a token, sending nothing to LeadLovers', async () => {
    const before = fake.requests.length;
    const error = failure(await server.call('get_machines', {}, caller('initech')));
    expect(error).toEqual({ code: 'FORBIDDEN', message: 'no LeadLovers token configured for this account' });
    expect(fake.requests.length).toBe(before);
  });

  it('passes LeadLovers errors through as tool errors without the token', async () => {
    fake.fail({ kind: 'error-with-200', statusCode: 400, message: 'Email inválido' });
    const error = failure(await server.call('create_lead', { email: 'z@example.com', machineCode: 101, sequenceCode: 201, levelCode: 1 }, acme));
    expect(error.code).toBe('INVALID_ARGUMENTS');
    expect(error.message).toContain('Email inválido');
    expect(JSON.stringify(error)).not.toContain('tok-e2e');
  });

  it('exits 1 naming LEADLOVERS_ACCOUNT when a lone LEADLOVERS_API_TOKEN has no account, never printing it', async () => {
    const { command, args } = mcpServerCommand();
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', LEADLOVERS_DB_PATH: path.join(temp.dir, 'x.sqlite'), LEADLOVERS_API_TOKEN: 'tok-lonely-secret' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('LEADLOVERS_ACCOUNT');
    expect(stderr).not.toContain('tok-lonely-secret');
    expect(stdout).toBe('');
  });
});
