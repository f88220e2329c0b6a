// The HTTP backend's mapping of the 8 tools onto the LeadLovers REST API, against the fake API: endpoints and
// parameters sent, entity shapes answered, create_lead defaults, NOT_FOUND/CONFLICT, and per-account tokens.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountTokens } from '../src/backend/http/account-tokens.js';
import { createHttpBackend } from '../src/backend/http/backend.js';
import { createLeadLoversClient } from '../src/backend/http/client.js';
import type { LeadLoversBackend } from '../src/backend/types.js';
import { ToolError } from '../src/errors.js';
import { demoAccount, startFakeLeadLovers, type FakeLeadLovers } from './fake-leadlovers.js';

let fake: FakeLeadLovers;
let backend: LeadLoversBackend;
const tokens: AccountTokens = { kind: 'per-account', tokens: new Map([['acme', 'tok-acme'], ['globex', 'tok-globex']]) };

function backendWith(accountTokens: AccountTokens): LeadLoversBackend {
  return createHttpBackend({ client: createLeadLoversClient({ baseUrl: fake.url, timeoutMs: 2_000, maxAttempts: 3, retryBaseMs: 5 }), tokens: accountTokens });
}

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  return err as ToolError;
}

const calls = () => fake.requests.map((r) => `${r.method} ${r.path}`);

beforeAll(async () => {
  fake = await startFakeLeadLovers();
  backend = backendWith(tokens);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.account('tok-acme', demoAccount());
  fake.account('tok-globex', { machines: [{ MachineCode: 900, MachineName: 'Globex', MachineType: 'Captura', Views: 1 }], sequences: [], leads: [] });
  fake.reset();
});

describe('HTTP backend: reads', () => {
  it('get_machines maps Items onto machines and pageSize onto registers', async () => {
    const out = await backend.getMachines('acme', {});
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/Machines', query: { page: '1', registers: '50' }, token: 'tok-acme' });
    expect(out).toEqual({
      machines: [
        { MachineCode: 101, MachineName: 'Funil Principal', MachineType: 'Captura', Views: 340, Leads: 2 },
        { MachineCode: 102, MachineName: 'Lançamento', MachineType: 'Vendas', Views: 12, Leads: 1 },
      ],
      page: 1,
      pageSize: 50,
      total: 2,
    });
    const second = await backend.getMachines('acme', { page: 2, pageSize: 1 });
    expect(second.machines.map((m) => m.MachineCode)).toEqual([102]);
    expect(second.total).toBe(2);
  });

  it('get_machine_details reads the machine, its sequences and each sequence\'s levels', async () => {
    const out = await backend.getMachineDetails('acme', 101);
    expect(out.machine.MachineName).toBe('Funil Principal');
    expect(out.sequences).toEqual([
      { SequenceCode: 201, SequenceName: 'Boas-vindas', Levels: [{ Sequence: 1, Subject: 'Bem-vindo!' }, { Sequence: 2, Subject: 'Dia 2' }] },
      { SequenceCode: 202, SequenceName: 'Nutrição', Levels: [{ Sequence: 1, Subject: 'Conteúdo 1' }] },
    ]);
    expect(calls()).toEqual(['GET /Machines/101', 'GET /EmailSequences', 'GET /Levels', 'GET /Levels']);
    const missing = await rejection(backend.getMachineDetails('acme', 999));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'machineCode' });
    expect(missing.message).toContain('Machine 999 not found (Máquina não encontrada)');
  });

  it('get_email_sequences maps Items and reports an unknown machine as NOT_FOUND', async () => {
    expect(await backend.getEmailSequences('acme', 102)).toEqual({ machineCode: 102, sequences: [{ SequenceCode: 203, SequenceName: 'Carrinho' }] });
    expect(fake.requests[0]?.query).toEqual({ machineCode: '102' });
    expect(await rejection(backend.getEmailSequences('acme', 5))).toMatchObject({ code: 'NOT_FOUND', field: 'machineCode' });
  });

  it('get_leads maps Data onto the lead shape and passes page and dates to /Leads', async () => {
    const out = await backend.getLeads('acme', { startDate: '2026-01-01', endDate: '2026-12-31' });
    expect(fake.requests[0]).toMatchObject({ path: '/Leads', query: { page: '1', startDate: '2026-01-01', endDate: '2026-12-31' } });
    expect(out.total).toBe(3);
    expect(out.leads[0]).toEqual({
      Code: 1,
      Email: 'ana@example.com',
      Name: 'Ana Souza',
      Phone: '11 99999-0000',
      Company: null,
      City: 'São Paulo',
      State: 'SP',
      Birthday: '1990-05-01',
      Gender: 'F',
      Score: 10,
      Tags: ['cliente'],
      MachineCode: 101,
      SequenceCode: 201,
      Level: 1,
      RegistrationDate: '2026-01-10T12:00:00',
    });
  });

  it('get_leads filters machine, sequence and search client-side and caps at pageSize', async () => {
    expect((await backend.getLeads('acme', { machineCode: 101 })).leads.map((l) => l.Code)).toEqual([1, 2]);
    expect(fake.requests[0]?.query).toEqual({ page: '1' });
    expect((await backend.getLeads('acme', { sequenceCode: 202 })).leads.map((l) => l.Code)).toEqual([2]);
    expect((await backend.getLeads('acme', { search: 'CARLA' })).leads.map((l) => l.Code)).toEqual([3]);
    const capped = await backend.getLeads('acme', { pageSize: 2 });
    expect(capped).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(capped.leads).toHaveLength(2);
  });

  it('get_leads with an email asks GET /Lead?email= and answers an empty page when there is none', async () => {
    const found = await backend.getLeads('acme', { email: 'bruno@example.com' });
    expect(found.leads.map((l) => l.Code)).toEqual([2]);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/Lead', query: { email: 'bruno@example.com' } });
    expect(await backend.getLeads('acme', { email: 'nobody@example.com' })).toEqual({ leads: [], page: 1, pageSize: 20, total: 0 });
    expect((await backend.getLeads('acme', { email: 'bruno@example.com', machineCode: 102 })).total).toBe(0);
    expect(await backend.getLeads('acme', { email: 'bruno@example.com', page: 2 })).toMatchObject({ leads: [], page: 2, total: 1 });
  });

  it('get_leads refuses startDate after endDate without calling the API', async () => {
    expect(await rejection(backend.getLeads('acme', { startDate: '2026-02-01', endDate: '2026-01-01' }))).toMatchObject({ code: 'INVALID_ARGUMENTS' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('HTTP backend: writes', () => {
  it('create_lead defaults machine, sequence and level from the API and answers the lead with Code 0', async () => {
    const out = await backend.createLead('acme', { email: 'nova@example.com', name: 'Nova', phone: '11 98888-7777', tags: ['vip'] });
    expect(calls()).toEqual(['GET /Machines', 'GET /EmailSequences', 'GET /Levels', 'POST /Lead']);
    expect(fake.requests[1]?.query).toEqual({ machineCode: '101' });
    expect(fake.requests[2]?.query).toEqual({ machineCode: '101', sequenceCode: '201' });
    expect(fake.requests[3]?.body).toEqual({
      Email: 'nova@example.com',
      Name: 'Nova',
      Phone: '11 98888-7777',
      Tags: ['vip'],
      MachineCode: 101,
      EmailSequenceCode: 201,
      SequenceLevelCode: 1,
    });
    expect(out.defaultsApplied).toEqual(['machineCode', 'sequenceCode', 'levelCode']);
    expect(out.lead).toMatchObject({ Code: 0, Email: 'nova@example.com', Name: 'Nova', Tags: ['vip'], MachineCode: 101, SequenceCode: 201, Level: 1, Score: 0 });
    // Once LeadLovers processed it, the real code shows.
    const [stored] = (await backend.getLeads('acme', { email: 'nova@example.com' })).leads;
    expect(stored?.Code).toBeGreaterThanOrEqual(1000);
  });

  it('create_lead with every code given sends one POST; a score follows with POST /Score', async () => {
    const out = await backend.createLead('acme', { email: 'x@example.com', machineCode: 101, sequenceCode: 202, levelCode: 1, score: 7 });
    expect(calls()).toEqual(['POST /Lead', 'POST /Score']);
    expect(fake.requests[1]?.body).toEqual({ Email: 'x@example.com', Score: 7, Overwrite: true });
    expect(out.defaultsApplied).toEqual([]);
    expect(out.lead.Score).toBe(7);
  });

  it('create_lead reports CONFLICT, NOT_FOUND and a machine without levels', async () => {
    const duplicate = await rejection(backend.createLead('acme', { email: 'ana@example.com', machineCode: 101, sequenceCode: 201, levelCode: 1 }));
    expect(duplicate.code).toBe('CONFLICT');
    expect(duplicate.message).toContain('Lead já cadastrado nesta máquina');
    expect(await rejection(backend.createLead('acme', { email: 'y@example.com', machineCode: 555 }))).toMatchObject({ code: 'NOT_FOUND', field: 'machineCode' });
    expect(await rejection(backend.createLead('acme', { email: 'y@example.com', machineCode: 102 }))).toMatchObject({ code: 'NOT_FOUND', field: 'levelCode' });
    expect(await rejection(backend.createLead('acme', { email: 'y@example.com', machineCode: 101, sequenceCode: 203 }))).toMatchObject({ code: 'NOT_FOUND', field: 'sequenceCode' });
  });

  it('update_lead PATCHes profile fields, adds score with Overwrite false, and reads the lead back', async () => {
    const out = await backend.updateLead('acme', { email: 'ana@example.com', city: 'Recife', score: 5, scoreMode: 'add' });
    expect(calls()).toEqual(['PATCH /Lead', 'POST /Score', 'GET /Lead']);
    expect(fake.requests[0]?.body).toEqual({ Email: 'ana@example.com', City: 'Recife' });
    expect(fake.requests[1]?.body).toEqual({ Email: 'ana@example.com', Score: 5, Overwrite: false });
    expect(out.updatedFields).toEqual(['city', 'score']);
    expect(out.lead).toMatchObject({ Email: 'ana@example.com', City: 'Recife', Score: 15 });
    const set = await backend.updateLead('acme', { email: 'ana@example.com', score: 3 });
    expect(set.lead.Score).toBe(3);
  });

  it('update_lead: unknown lead is NOT_FOUND, nothing to update is INVALID_ARGUMENTS', async () => {
    expect(await rejection(backend.updateLead('acme', { email: 'nobody@example.com', name: 'N' }))).toMatchObject({ code: 'NOT_FOUND', field: 'email' });
    fake.reset();
    expect(await rejection(backend.updateLead('acme', { email: 'ana@example.com' }))).toMatchObject({ code: 'INVALID_ARGUMENTS' });
    expect(await rejection(backend.updateLead('acme', { email: 'ana@example.com', scoreMode: 'add' }))).toMatchObject({ code: 'INVALID_ARGUMENTS', field: 'score' });
    expect(fake.requests).toHaveLength(0);
  });

  it('delete_lead removes from the machine, or only from the funnel with a sequenceCode', async () => {
    expect(await backend.deleteLead('acme', { email: 'bruno@example.com', machineCode: 101, sequenceCode: 202 })).toEqual({
      email: 'bruno@example.com',
      machineCode: 101,
      sequenceCode: 202,
      removed: 'funnel',
    });
    expect(fake.requests[0]).toMatchObject({ method: 'DELETE', path: '/Lead/Funnel', query: { machineCode: '101', sequenceCode: '202', email: 'bruno@example.com' } });
    expect(await backend.deleteLead('acme', { email: 'ana@example.com', machineCode: 101 })).toEqual({
      email: 'ana@example.com',
      machineCode: 101,
      sequenceCode: null,
      removed: 'machine',
    });
    expect(fake.requests[1]).toMatchObject({ method: 'DELETE', path: '/Lead', query: { email: 'ana@example.com', machineCode: '101' } });
    expect(await rejection(backend.deleteLead('acme', { email: 'ana@example.com', machineCode: 101 }))).toMatchObject({ code: 'NOT_FOUND', field: 'email' });
  });
});

describe('HTTP backend: accounts and tokens', () => {
  it("sends each account's own token and keeps their data apart", async () => {
    await backend.getMachines('acme', {});
    await backend.getMachines('globex', {});
    expect(fake.requests.map((r) => r.token)).toEqual(['tok-acme', 'tok-globex']);
    expect((await backend.getLeads('globex', { email: 'ana@example.com' })).total).toBe(0);
  });

  it('refuses an account without a token with FORBIDDEN and sends nothing', async () => {
    for (const run of [
      () => backend.getMachines('initech', {}),
      () => backend.createLead('initech', { email: 'a@example.com' }),
      () => backend.deleteLead('initech', { email: 'a@example.com', machineCode: 1 }),
    ]) {
      const error = await rejection(run());
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toBe('no LeadLovers token configured for this account');
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('uses the one token for every account only in single-token mode', async () => {
    const shared = backendWith({ kind: 'single-token', token: 'tok-acme' });
    await shared.getMachines('anyone', {});
    expect(fake.requests[0]?.token).toBe('tok-acme');
  });

  it('maps a refused token to FORBIDDEN without revealing it', async () => {
    const wrong = backendWith({ kind: 'per-account', tokens: new Map([['acme', 'revoked-token-42']]) });
    const error = await rejection(wrong.getMachines('acme', {}));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('token do LeadLovers recusado');
    expect(error.message).not.toContain('revoked-token-42');
  });
});
