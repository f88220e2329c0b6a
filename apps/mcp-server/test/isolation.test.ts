// Account isolation through the real server: what account A creates, account B never sees through any tool
// and cannot change. Each account starts from its own copy of the demo data.
import type { Lead } from '@leadlovers/tools';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, failure, makeTempDir, ok, startServer, type RunningServer } from './helpers.js';

interface LeadsPage { leads: Lead[]; total: number }
interface Machines { machines: { MachineCode: number; Leads: number }[] }

let server: RunningServer;
const temp = makeTempDir();
const A = caller('account-a');
const B = caller('account-b');

beforeAll(async () => {
  server = await startServer({ dbPath: path.join(temp.dir, 'embedded.sqlite') });
});
afterAll(async () => {
  await server?.close();
  temp.remove();
});

describe('account isolation', () => {
  it("keeps account A's lead invisible and untouchable for account B", async () => {
    const baseline = ok<LeadsPage>(await server.call('get_leads', { pageSize: 1 }, B)).total;
    const { lead } = ok<{ lead: Lead }>(
      await server.call('create_lead', { email: 'segredo@empresa-a.com', name: 'Segredo Alfa', machineCode: 12345, score: 7 }, A),
    );

    // Reads: no filter, email, search, machine or sequence reveals it.
    expect(ok<LeadsPage>(await server.call('get_leads', { pageSize: 1 }, B)).total).toBe(baseline);
    expect(ok<LeadsPage>(await server.call('get_leads', { email: 'segredo@empresa-a.com' }, B)).total).toBe(0);
    expect(ok<LeadsPage>(await server.call('get_leads', { search: 'Segredo' }, B)).total).toBe(0);
    const bLeads = ok<LeadsPage>(await server.call('get_leads', { machineCode: 12345, pageSize: 100 }, B));
    expect(bLeads.leads.some((l) => l.Code === lead.Code || l.Email === lead.Email)).toBe(false);
    const aMachines = ok<Machines>(await server.call('get_machines', {}, A)).machines;
    const bMachines = ok<Machines>(await server.call('get_machines', {}, B)).machines;
    const count = (list: Machines['machines']) => list.find((m) => m.MachineCode === 12345)?.Leads;
    expect(count(aMachines)).toBe((count(bMachines) ?? 0) + 1);
    const bDetails = ok<{ machine: { Leads: number } }>(await server.call('get_machine_details', { machineCode: 12345 }, B));
    expect(bDetails.machine.Leads).toBe(count(bMachines));

    // Writes: B cannot update or delete it.
    expect(failure(await server.call('update_lead', { email: 'segredo@empresa-a.com', score: 0 }, B)).code).toBe('NOT_FOUND');
    expect(failure(await server.call('delete_lead', { email: 'segredo@empresa-a.com', machineCode: 12345 }, B)).code).toBe('NOT_FOUND');
    const still = ok<LeadsPage>(await server.call('get_leads', { email: 'segredo@empresa-a.com' }, A));
    expect(still.leads).toEqual([lead]);
  });

  it('lets B create the same email in the same machine without touching A', async () => {
    ok(await server.call('create_lead', { email: 'shared@example.com', machineCode: 12345, score: 1 }, A));
    ok(await server.call('create_lead', { email: 'shared@example.com', machineCode: 12345, score: 2 }, B));
    ok(await server.call('update_lead', { email: 'shared@example.com', score: 100, scoreMode: 'add' }, B));
    ok(await server.call('delete_lead', { email: 'shared@example.com', machineCode: 12345 }, B));
    const a = ok<LeadsPage>(await server.call('get_leads', { email: 'shared@example.com' }, A));
    expect(a.leads.map((l) => l.Score)).toEqual([1]);
  });

  it("seeds a new account with the same demo data, not with another account's leads", async () => {
    const fresh = ok<LeadsPage>(await server.call('get_leads', { pageSize: 100 }, caller('account-c')));
    const b = ok<LeadsPage>(await server.call('get_leads', { pageSize: 100 }, B));
    const demo = (page: LeadsPage) => page.leads.map(({ Code: _code, ...rest }) => rest).slice(0, 50);
    expect(demo(fresh)).toEqual(demo(b));
  });
});
