// Several MCP server processes on one database file, as the children of several gateway nodes run: each sees
// the others' writes at once, and an account is seeded exactly once however many processes race to use it.
import type { Lead } from '@leadlovers/tools';
import path from 'node:path';
import { eventually, sleep } from '@leadlovers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, failure, makeTempDir, ok, startServer, type RunningServer } from './helpers.js';

interface LeadsPage { leads: Lead[]; total: number }
interface Machines { machines: { MachineCode: number; Leads: number }[]; total: number }

const temp = makeTempDir();
let one: RunningServer;
let two: RunningServer;

beforeAll(async () => {
  // Both start at once on a file that does not exist yet.
  const dbPath = path.join(temp.dir, 'nested', 'dir', 'shared.sqlite');
  [one, two] = await Promise.all([startServer({ dbPath }), startServer({ dbPath })]);
});
afterAll(async () => {
  await Promise.all([one?.close(), two?.close()]);
  temp.remove();
});

describe('two server processes on one database file', () => {
  it('seeds each account exactly once when both use it at the same moment', async () => {
    const accounts = ['race-1', 'race-2', 'race-3', 'race-4'];
    const results = await Promise.all(
      accounts.flatMap((account) => [one, two].map((server) => server.call('get_machines', {}, caller(account)))),
    );
    const machines = results.map((r) => ok<Machines>(r));
    for (const out of machines) {
      expect(out.total).toBe(4);
      expect(out.machines).toEqual(machines[0]?.machines);
    }
    for (const account of accounts) {
      const leads = ok<LeadsPage>(await two.call('get_leads', { pageSize: 1 }, caller(account)));
      expect(leads.total).toBe(machines[0]?.machines.reduce((sum, m) => sum + m.Leads, 0));
    }
    // stderr is a separate pipe from the answers on stdout: on a busy machine its lines may trail the answers.
    const seededLines = () => (one.stderr() + two.stderr()).split('\n').filter((line) => line.includes('seeded demo data'));
    await eventually(() => seededLines().length >= accounts.length);
    await sleep(200);
    expect(seededLines()).toHaveLength(accounts.length);
  });

  it("sees the other process's writes", async () => {
    const who = caller('shared-account');
    const { lead } = ok<{ lead: Lead }>(await one.call('create_lead', { email: 'cross@example.com', machineCode: 23456 }, who));
    expect(ok<LeadsPage>(await two.call('get_leads', { email: 'cross@example.com' }, who)).leads).toEqual([lead]);
    ok(await two.call('update_lead', { email: 'cross@example.com', score: 77 }, who));
    expect(ok<LeadsPage>(await one.call('get_leads', { email: 'cross@example.com' }, who)).leads[0]?.Score).toBe(77);
    ok(await one.call('delete_lead', { email: 'cross@example.com', machineCode: 23456 }, who));
    expect(failure(await two.call('update_lead', { email: 'cross@example.com', score: 1 }, who)).code).toBe('NOT_FOUND');
  });

  it('lets exactly one of two simultaneous creates of the same lead win', async () => {
    const who = caller('shared-account');
    const results = await Promise.all(
      [one, two].map((server) => server.call('create_lead', { email: 'race@example.com', machineCode: 12345 }, who)),
    );
    expect(results.filter((r) => !r.isError)).toHaveLength(1);
    expect(failure(results.find((r) => r.isError) ?? results[0]!).code).toBe('CONFLICT');
  });
});
