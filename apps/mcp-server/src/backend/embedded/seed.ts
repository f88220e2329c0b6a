// Gives an account its own copy of the demo data the first time it is used. Race-free across processes: the
// check and the inserts run in one BEGIN IMMEDIATE transaction, so of two processes seeding the same account at
// once, the second waits for the first, then finds the seeded_accounts row and inserts nothing.
import { DEMO_MACHINES } from './demo-catalog.js';
import { generateDemoLeads, type DemoLead } from './demo-leads.js';
import type { SqliteDatabase } from './database.js';

let demoLeads: DemoLead[] | undefined;

/** Seeds the account unless some process already did; returns whether this call seeded it. */
export function seedAccount(db: SqliteDatabase, account: string): boolean {
  const isSeeded = db.prepare('SELECT 1 FROM seeded_accounts WHERE account = ?');
  const insertMachine = db.prepare('INSERT INTO machines (account, code, name, type, views) VALUES (?, ?, ?, ?, ?)');
  const insertSequence = db.prepare('INSERT INTO sequences (account, code, machine_code, name) VALUES (?, ?, ?, ?)');
  const insertLevel = db.prepare('INSERT INTO levels (account, sequence_code, level, subject) VALUES (?, ?, ?, ?)');
  const insertLead = db.prepare(`
    INSERT INTO leads (account, email, name, phone, company, city, state, birthday, gender, score, tags,
                       machine_code, sequence_code, level, registration_date)
    VALUES (@account, @email, @name, @phone, @company, @city, @state, @birthday, @gender, @score, @tags,
            @machineCode, @sequenceCode, @level, @registrationDate)`);
  const markSeeded = db.prepare('INSERT INTO seeded_accounts (account, seeded_at) VALUES (?, ?)');

  const seed = db.transaction((): boolean => {
    if (isSeeded.get(account)) return false;
    for (const machine of DEMO_MACHINES) {
      insertMachine.run(account, machine.code, machine.name, machine.type, machine.views);
      for (const sequence of machine.sequences) {
        insertSequence.run(account, sequence.code, machine.code, sequence.name);
        sequence.subjects.forEach((subject, index) => insertLevel.run(account, sequence.code, index + 1, subject));
      }
    }
    demoLeads ??= generateDemoLeads(DEMO_MACHINES);
    for (const lead of demoLeads) insertLead.run({ ...lead, account, tags: JSON.stringify(lead.tags) });
    markSeeded.run(account, new Date().toISOString());
    return true;
  });
  return seed.immediate();
}
