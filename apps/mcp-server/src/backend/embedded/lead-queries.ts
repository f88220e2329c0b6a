// Read and write queries over an account's leads. Every statement filters by account; the business rules
// (defaults, NOT_FOUND, CONFLICT) live in the backend, not here.
import type { SqliteDatabase } from './database.js';
import type { LeadRow } from './rows.js';

export interface LeadFilter {
  machineCode?: number;
  sequenceCode?: number;
  email?: string;
  search?: string;
  startDate?: string;
  endDate?: string;
}

export interface NewLeadRow {
  email: string;
  name: string | null;
  phone: string | null;
  company: string | null;
  city: string | null;
  state: string | null;
  birthday: string | null;
  gender: string | null;
  score: number;
  tags: string;
  machineCode: number;
  sequenceCode: number | null;
  level: number | null;
  registrationDate: string;
}

/** Columns update_lead may change; keys are trusted identifiers, never user input. */
export type LeadPatch = Partial<Record<'name' | 'phone' | 'company' | 'city' | 'state' | 'birthday' | 'gender' | 'tags' | 'score', string | number>>;

export interface LeadQueries {
  page(account: string, filter: LeadFilter, limit: number, offset: number): { rows: LeadRow[]; total: number };
  byEmail(account: string, email: string): LeadRow[];
  inMachine(account: string, machineCode: number, email: string): LeadRow | undefined;
  insert(account: string, lead: NewLeadRow): number;
  byCode(account: string, code: number): LeadRow | undefined;
  /** Applies the patch to every row of this email; `addScore` adds to the score instead of overwriting it. */
  update(account: string, email: string, patch: LeadPatch, addScore: number | undefined): number;
  remove(account: string, machineCode: number, email: string): number;
  leaveSequence(account: string, machineCode: number, email: string): number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

function where(account: string, filter: LeadFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  add('account = ?', account);
  if (filter.machineCode !== undefined) add('machine_code = ?', filter.machineCode);
  if (filter.sequenceCode !== undefined) add('sequence_code = ?', filter.sequenceCode);
  if (filter.email !== undefined) add('email = ?', filter.email);
  if (filter.search !== undefined) {
    const pattern = `%${escapeLike(filter.search)}%`;
    add("(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')", pattern, pattern);
  }
  if (filter.startDate !== undefined) add('substr(registration_date, 1, 10) >= ?', filter.startDate);
  if (filter.endDate !== undefined) add('substr(registration_date, 1, 10) <= ?', filter.endDate);
  return { sql: clauses.join(' AND '), params };
}

export function createLeadQueries(db: SqliteDatabase): LeadQueries {
  const byEmail = db.prepare<[string, string], LeadRow>('SELECT * FROM leads WHERE account = ? AND email = ? ORDER BY code');
  const byCode = db.prepare<[string, number], LeadRow>('SELECT * FROM leads WHERE account = ? AND code = ?');
  const inMachine = db.prepare<[string, number, string], LeadRow>(
    'SELECT * FROM leads WHERE account = ? AND machine_code = ? AND email = ?',
  );
  const insert = db.prepare(`
    INSERT INTO leads (account, email, name, phone, company, city, state, birthday, gender, score, tags,
                       machine_code, sequence_code, level, registration_date)
    VALUES (@account, @email, @name, @phone, @company, @city, @state, @birthday, @gender, @score, @tags,
            @machineCode, @sequenceCode, @level, @registrationDate)`);
  const remove = db.prepare('DELETE FROM leads WHERE account = ? AND machine_code = ? AND email = ?');
  const leaveSequence = db.prepare(
    'UPDATE leads SET sequence_code = NULL, level = NULL WHERE account = ? AND machine_code = ? AND email = ?',
  );
  // get_leads builds its WHERE from the filters given; the few shapes it can take are prepared once each.
  const dynamic = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  const prepared = (sql: string) => {
    let statement = dynamic.get(sql);
    if (!statement) dynamic.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  const page = db.transaction((account: string, filter: LeadFilter, limit: number, offset: number) => {
    const { sql, params } = where(account, filter);
    const total = (prepared(`SELECT COUNT(*) AS total FROM leads WHERE ${sql}`).get(params) as { total: number }).total;
    const rows = prepared(`SELECT * FROM leads WHERE ${sql} ORDER BY code LIMIT ? OFFSET ?`).all([...params, limit, offset]) as LeadRow[];
    return { rows, total };
  });

  return {
    page: (account, filter, limit, offset) => page(account, filter, limit, offset),
    byEmail: (account, email) => byEmail.all(account, email),
    inMachine: (account, machineCode, email) => inMachine.get(account, machineCode, email),
    insert: (account, lead) => Number(insert.run({ ...lead, account }).lastInsertRowid),
    byCode: (account, code) => byCode.get(account, code),
    update(account, email, patch, addScore) {
      const columns = Object.keys(patch);
      const sets = columns.map((column) => `${column} = @${column}`);
      if (addScore !== undefined) sets.push('score = score + @addScore');
      if (sets.length === 0) return 0;
      const sql = `UPDATE leads SET ${sets.join(', ')} WHERE account = @account AND email = @email`;
      return prepared(sql).run({ ...patch, ...(addScore === undefined ? {} : { addScore }), account, email }).changes;
    },
    remove: (account, machineCode, email) => remove.run(account, machineCode, email).changes,
    leaveSequence: (account, machineCode, email) => leaveSequence.run(account, machineCode, email).changes,
  };
}
