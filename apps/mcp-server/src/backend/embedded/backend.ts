// The embedded LeadLovers backend: the business rules of the 8 tools (defaults, NOT_FOUND, CONFLICT) over the
// SQLite queries. Each account is seeded with the demo data on its first call; writes run in BEGIN IMMEDIATE
// transactions, because in WAL mode a read transaction that later writes fails at once (SQLITE_BUSY_SNAPSHOT)
// when another process wrote in between, instead of waiting.
import type { ToolArgs, ToolOutput } from '../../tool-types.js';
import { notFound, ToolError } from '../../errors.js';
import { DEFAULT_LEADS_PAGE_SIZE, DEFAULT_MACHINES_PAGE_SIZE, type LeadLoversBackend } from '../types.js';
import { createCatalogQueries } from './catalog-queries.js';
import { openEmbeddedDatabase, type SqliteDatabase } from './database.js';
import { createLeadQueries, type LeadPatch } from './lead-queries.js';
import { toLead, toLevel, toMachine, type LeadRow } from './rows.js';
import { seedAccount } from './seed.js';

export interface EmbeddedBackendOptions {
  /** Path of the SQLite file, or ':memory:' (one process only). */
  dbPath: string;
  /** Told once per account this process seeded. */
  onSeeded?: (account: string) => void;
}

const PROFILE_FIELDS = ['name', 'phone', 'company', 'city', 'state', 'birthday', 'gender', 'tags'] as const;

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function createEmbeddedBackend(options: EmbeddedBackendOptions): LeadLoversBackend {
  const db: SqliteDatabase = openEmbeddedDatabase(options.dbPath);
  const catalog = createCatalogQueries(db);
  const leads = createLeadQueries(db);
  const seededHere = new Set<string>();

  /** Seeds on first use; cached per process, the database row is the cross-process truth. */
  function useAccount(account: string): string {
    if (!seededHere.has(account)) {
      if (seedAccount(db, account)) options.onSeeded?.(account);
      seededHere.add(account);
    }
    return account;
  }

  function requireMachine(account: string, code: number) {
    const machine = catalog.machine(account, code);
    if (!machine) throw notFound(`Machine ${code}`, 'machineCode');
    return machine;
  }

  function requireSequenceOf(account: string, machineCode: number, code: number) {
    const sequence = catalog.sequence(account, code);
    if (!sequence || sequence.machine_code !== machineCode) {
      throw notFound(`Email sequence ${code} in machine ${machineCode}`, 'sequenceCode');
    }
    return sequence;
  }

  const createLead = db.transaction((account: string, input: ToolArgs<'create_lead'>): ToolOutput<'create_lead'> => {
    const defaultsApplied: string[] = [];
    let machine;
    if (input.machineCode !== undefined) machine = requireMachine(account, input.machineCode);
    else {
      machine = catalog.firstMachine(account);
      if (!machine) throw new ToolError('NOT_FOUND', 'This account has no machine to add the lead to', 'machineCode');
      defaultsApplied.push('machineCode');
    }

    let sequence;
    if (input.sequenceCode !== undefined) sequence = requireSequenceOf(account, machine.code, input.sequenceCode);
    else {
      sequence = catalog.sequences(account, machine.code)[0];
      if (sequence) defaultsApplied.push('sequenceCode');
    }

    let level: number | null = null;
    if (input.levelCode !== undefined) {
      if (!sequence) throw notFound(`Level ${input.levelCode} (machine ${machine.code} has no email sequence)`, 'levelCode');
      if (!catalog.level(account, sequence.code, input.levelCode)) {
        throw notFound(`Level ${input.levelCode} in email sequence ${sequence.code}`, 'levelCode');
      }
      level = input.levelCode;
    } else if (sequence) {
      const first = catalog.levels(account, sequence.code)[0];
      if (first) {
        level = first.level;
        defaultsApplied.push('levelCode');
      }
    }

    if (leads.inMachine(account, machine.code, input.email)) {
      throw new ToolError('CONFLICT', `A lead with email ${input.email} is already in machine ${machine.code}`, 'email');
    }
    const code = leads.insert(account, {
      email: input.email,
      name: input.name ?? null,
      phone: input.phone ?? null,
      company: input.company ?? null,
      city: input.city ?? null,
      state: input.state ?? null,
      birthday: input.birthday ?? null,
      gender: input.gender ?? null,
      score: input.score ?? 0,
      tags: JSON.stringify(input.tags ?? []),
      machineCode: machine.code,
      sequenceCode: sequence?.code ?? null,
      level,
      registrationDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    const row = leads.byCode(account, code) as LeadRow;
    return { lead: toLead(row), defaultsApplied };
  });

  const updateLead = db.transaction((account: string, input: ToolArgs<'update_lead'>): ToolOutput<'update_lead'> => {
    const patch: LeadPatch = {};
    const updatedFields: string[] = [];
    for (const field of PROFILE_FIELDS) {
      const value = input[field];
      if (value === undefined) continue;
      patch[field] = field === 'tags' ? JSON.stringify(value) : (value as string);
      updatedFields.push(field);
    }
    const addScore = input.score !== undefined && input.scoreMode === 'add' ? input.score : undefined;
    if (input.score !== undefined) {
      if (addScore === undefined) patch.score = input.score;
      updatedFields.push('score');
    } else if (input.scoreMode !== undefined) {
      throw new ToolError('INVALID_ARGUMENTS', 'scoreMode needs a score to set or add', 'score');
    }
    if (updatedFields.length === 0) {
      throw new ToolError('INVALID_ARGUMENTS', `Nothing to update: give at least one of ${[...PROFILE_FIELDS, 'score'].join(', ')}`);
    }
    if (leads.update(account, input.email, patch, addScore) === 0) throw notFound(`Lead ${input.email}`, 'email');
    const [row] = leads.byEmail(account, input.email);
    return { lead: toLead(row as LeadRow), updatedFields };
  });

  const deleteLead = db.transaction((account: string, input: ToolArgs<'delete_lead'>): ToolOutput<'delete_lead'> => {
    requireMachine(account, input.machineCode);
    const sequence = input.sequenceCode === undefined ? undefined : requireSequenceOf(account, input.machineCode, input.sequenceCode);
    const row = leads.inMachine(account, input.machineCode, input.email);
    if (!row) throw notFound(`Lead ${input.email} in machine ${input.machineCode}`, 'email');
    const result = { email: input.email, machineCode: input.machineCode, sequenceCode: sequence?.code ?? null };
    if (!sequence) {
      leads.remove(account, input.machineCode, input.email);
      return { ...result, removed: 'machine' };
    }
    if (row.sequence_code !== sequence.code) {
      throw notFound(`Lead ${input.email} in email sequence ${sequence.code}`, 'sequenceCode');
    }
    leads.leaveSequence(account, input.machineCode, input.email);
    return { ...result, removed: 'funnel' };
  });

  return {
    async getLeads(account, query) {
      useAccount(account);
      if (query.machineCode !== undefined) requireMachine(account, query.machineCode);
      if (query.sequenceCode !== undefined && !catalog.sequence(account, query.sequenceCode)) {
        throw notFound(`Email sequence ${query.sequenceCode}`, 'sequenceCode');
      }
      if (query.startDate !== undefined && query.endDate !== undefined && query.startDate > query.endDate) {
        throw new ToolError('INVALID_ARGUMENTS', 'startDate must not be after endDate', 'endDate');
      }
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? DEFAULT_LEADS_PAGE_SIZE;
      const { rows, total } = leads.page(account, query, pageSize, (page - 1) * pageSize);
      return { leads: rows.map(toLead), page, pageSize, total };
    },
    async createLead(account, input) {
      try {
        return createLead.immediate(useAccount(account), input);
      } catch (err) {
        // Another process inserted the same email between our check and our insert.
        if (isUniqueViolation(err)) {
          throw new ToolError('CONFLICT', `A lead with email ${input.email} is already in that machine`, 'email');
        }
        throw err;
      }
    },
    async updateLead(account, input) {
      return updateLead.immediate(useAccount(account), input);
    },
    async deleteLead(account, input) {
      return deleteLead.immediate(useAccount(account), input);
    },
    async getMachines(account, query) {
      useAccount(account);
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? DEFAULT_MACHINES_PAGE_SIZE;
      const read = db.transaction(() => ({
        machines: catalog.machines(account, pageSize, (page - 1) * pageSize).map(toMachine),
        total: catalog.machineCount(account),
      }));
      return { ...read(), page, pageSize };
    },
    async getMachineDetails(account, machineCode) {
      useAccount(account);
      const read = db.transaction(() => {
        const machine = requireMachine(account, machineCode);
        const sequences = catalog.sequences(account, machineCode).map((sequence) => ({
          SequenceCode: sequence.code,
          SequenceName: sequence.name,
          Levels: catalog.levels(account, sequence.code).map(toLevel),
        }));
        return { machine: toMachine(machine), sequences };
      });
      return read();
    },
    async getEmailSequences(account, machineCode) {
      useAccount(account);
      requireMachine(account, machineCode);
      const sequences = catalog.sequences(account, machineCode);
      return { machineCode, sequences: sequences.map((s) => ({ SequenceCode: s.code, SequenceName: s.name })) };
    },
    close() {
      if (db.open) db.close();
    },
  };
}
