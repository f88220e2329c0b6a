// Row shapes of the embedded tables and their mapping to the LeadLovers entity shapes the tools answer with.
import type { Lead, Level, Machine } from '@leadlovers/tools';

export interface LeadRow {
  code: number;
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
  machine_code: number;
  sequence_code: number | null;
  level: number | null;
  registration_date: string;
}

export interface MachineRow {
  code: number;
  name: string;
  type: string;
  views: number;
  /** Counted from the lead rows by the query, never stored. */
  leads: number;
}

export interface SequenceRow {
  code: number;
  machine_code: number;
  name: string;
}

export interface LevelRow {
  level: number;
  subject: string;
}

function parseTags(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
  } catch {
    return [];
  }
}

export function toLead(row: LeadRow): Lead {
  return {
    Code: row.code,
    Email: row.email,
    Name: row.name,
    Phone: row.phone,
    Company: row.company,
    City: row.city,
    State: row.state,
    Birthday: row.birthday,
    Gender: row.gender,
    Score: row.score,
    Tags: parseTags(row.tags),
    MachineCode: row.machine_code,
    SequenceCode: row.sequence_code,
    Level: row.level,
    RegistrationDate: row.registration_date,
  };
}

export function toMachine(row: MachineRow): Machine {
  return { MachineCode: row.code, MachineName: row.name, MachineType: row.type, Views: row.views, Leads: row.leads };
}

export function toLevel(row: LevelRow): Level {
  return { Sequence: row.level, Subject: row.subject };
}
