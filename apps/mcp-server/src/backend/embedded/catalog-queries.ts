// Read queries over an account's machines, email sequences and levels. Every statement filters by account;
// a machine's lead count is counted from the lead rows, so it always matches what get_leads returns.
import type { SqliteDatabase } from './database.js';
import type { LevelRow, MachineRow, SequenceRow } from './rows.js';

const MACHINE_COLUMNS = `m.code, m.name, m.type, m.views,
  (SELECT COUNT(*) FROM leads l WHERE l.account = m.account AND l.machine_code = m.code) AS leads`;

export interface CatalogQueries {
  machine(account: string, code: number): MachineRow | undefined;
  firstMachine(account: string): MachineRow | undefined;
  machines(account: string, limit: number, offset: number): MachineRow[];
  machineCount(account: string): number;
  sequence(account: string, code: number): SequenceRow | undefined;
  sequences(account: string, machineCode: number): SequenceRow[];
  levels(account: string, sequenceCode: number): LevelRow[];
  level(account: string, sequenceCode: number, level: number): LevelRow | undefined;
}

export function createCatalogQueries(db: SqliteDatabase): CatalogQueries {
  const machine = db.prepare<[string, number], MachineRow>(
    `SELECT ${MACHINE_COLUMNS} FROM machines m WHERE m.account = ? AND m.code = ?`,
  );
  const firstMachine = db.prepare<[string], MachineRow>(
    `SELECT ${MACHINE_COLUMNS} FROM machines m WHERE m.account = ? ORDER BY m.code LIMIT 1`,
  );
  const machines = db.prepare<[string, number, number], MachineRow>(
    `SELECT ${MACHINE_COLUMNS} FROM machines m WHERE m.account = ? ORDER BY m.code LIMIT ? OFFSET ?`,
  );
  const machineCount = db.prepare<[string], { total: number }>('SELECT COUNT(*) AS total FROM machines WHERE account = ?');
  const sequence = db.prepare<[string, number], SequenceRow>(
    'SELECT code, machine_code, name FROM sequences WHERE account = ? AND code = ?',
  );
  const sequences = db.prepare<[string, number], SequenceRow>(
    'SELECT code, machine_code, name FROM sequences WHERE account = ? AND machine_code = ? ORDER BY code',
  );
  const levels = db.prepare<[string, number], LevelRow>(
    'SELECT level, subject FROM levels WHERE account = ? AND sequence_code = ? ORDER BY level',
  );
  const level = db.prepare<[string, number, number], LevelRow>(
    'SELECT level, subject FROM levels WHERE account = ? AND sequence_code = ? AND level = ?',
  );

  return {
    machine: (account, code) => machine.get(account, code),
    firstMachine: (account) => firstMachine.get(account),
    machines: (account, limit, offset) => machines.all(account, limit, offset),
    machineCount: (account) => machineCount.get(account)?.total ?? 0,
    sequence: (account, code) => sequence.get(account, code),
    sequences: (account, machineCode) => sequences.all(account, machineCode),
    levels: (account, sequenceCode) => levels.all(account, sequenceCode),
    level: (account, sequenceCode, n) => level.get(account, sequenceCode, n),
  };
}
