// The embedded backend in-process: the demo data's promises (size, determinism, realistic fields), seeding once
// per account across connections, every row scoped by account, and hostile search strings.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedBackend } from '../src/backend/embedded/backend.js';
import { DEMO_MACHINES } from '../src/backend/embedded/demo-catalog.js';
import { generateDemoLeads } from '../src/backend/embedded/demo-leads.js';
import type { LeadLoversBackend } from '../src/backend/types.js';
import { ToolError } from '../src/errors.js';
import { makeTempDir } from './helpers.js';

const temp = makeTempDir();
const dbPath = path.join(temp.dir, 'unit.sqlite');
let backend: LeadLoversBackend;
const seeded: string[] = [];

beforeAll(() => {
  backend = createEmbeddedBackend({ dbPath, onSeeded: (account) => seeded.push(account) });
});
afterAll(() => {
  backend.close();
  temp.remove();
});

describe('demo data', () => {
  it('is deterministic and realistic', () => {
    const leads = generateDemoLeads(DEMO_MACHINES);
    expect(generateDemoLeads(DEMO_MACHINES)).toEqual(leads);
    expect(leads.length).toBeGreaterThanOrEqual(50);
    expect(new Set(leads.map((l) => l.email)).size).toBe(leads.length);
    expect(new Set(leads.map((l) => l.machineCode)).size).toBe(DEMO_MACHINES.length);
    for (const lead of leads) {
      expect(lead.email).toMatch(/^[a-z0-9._]+@[a-z0-9.]+\.[a-z]+$/);
      expect(lead.name).toMatch(/^\S+ \S+$/);
      expect(lead.state).toMatch(/^[A-Z]{2}$/);
      if (lead.phone) expect(lead.phone).toMatch(/^\+55 \d{2} 9\d{4}-\d{4}$/);
      expect(lead.registrationDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
  });

  it('has ≥3 machines including 12345, each with 2–3 sequences of 3–5 levels', () => {
    expect(DEMO_MACHINES.length).toBeGreaterThanOrEqual(3);
    expect(DEMO_MACHINES.some((m) => m.code === 12345 && m.name === 'Máquina de Boas-vindas')).toBe(true);
    for (const machine of DEMO_MACHINES) {
      expect(machine.sequences.length).toBeGreaterThanOrEqual(2);
      expect(machine.sequences.length).toBeLessThanOrEqual(3);
      for (const sequence of machine.sequences) {
        expect(sequence.subjects.length).toBeGreaterThanOrEqual(3);
        expect(sequence.subjects.length).toBeLessThanOrEqual(5);
      }
    }
  });
});

describe('embedded backend', () => {
  it('seeds an account once, on first use, even through a second connection to the file', async () => {
    await backend.getMachines('unit-a', {});
    await backend.getMachines('unit-a', {});
    const other = createEmbeddedBackend({ dbPath, onSeeded: (account) => seeded.push(`other:${account}`) });
    try {
      expect((await other.getMachines('unit-a', {})).total).toBe(DEMO_MACHINES.length);
    } finally {
      other.close();
    }
    expect(seeded).toEqual(['unit-a']);
  });

  it('stores every row with its account and uses WAL', async () => {
    await backend.getLeads('unit-b', {});
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      for (const table of ['machines', 'sequences', 'levels', 'leads']) {
        const accounts = db.prepare(`SELECT DISTINCT account FROM ${table} ORDER BY account`).pluck().all();
        expect(accounts).toEqual(['unit-a', 'unit-b']);
      }
    } finally {
      db.close();
    }
  });

  it('treats search text as data, not SQL or LIKE patterns', async () => {
    for (const search of ["' OR 1=1 --", '%', '\\']) {
      expect((await backend.getLeads('unit-a', { search })).total).toBe(0);
    }
    // Some demo emails really contain "_" (ana_silva@…): those match, and only those.
    const all = await backend.getLeads('unit-a', { pageSize: 100 });
    const underscore = await backend.getLeads('unit-a', { search: '_', pageSize: 100 });
    expect(underscore.leads).toEqual(all.leads.filter((l) => l.Email.includes('_') || l.Name?.includes('_')));
    expect(underscore.total).toBeLessThan(all.total);
  });

  it('throws ToolError with code and field for the caller’s mistakes', async () => {
    await expect(backend.getMachineDetails('unit-a', 99999)).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'machineCode' });
    await expect(backend.createLead('unit-a', { email: 'a@b.co', machineCode: 12345, sequenceCode: 9 })).rejects.toBeInstanceOf(ToolError);
  });

  it('pages past the end as an empty page with the real total', async () => {
    const page = await backend.getLeads('unit-a', { page: 999, pageSize: 10 });
    expect(page).toMatchObject({ leads: [], page: 999, pageSize: 10 });
    expect(page.total).toBeGreaterThanOrEqual(50);
  });
});
