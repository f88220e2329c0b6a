// Dates as YYYY-MM-DD: explicit ones (DD/MM/YYYY, YYYY-MM-DD) and relative ones ("hoje", "últimos 7 dias",
// "this month"), resolved against an injected `now` in UTC so a plan never depends on the machine running it.
import type { Found } from './contact.js';
import type { Token } from '../tokens.js';

export interface DateEntities {
  startDate?: string;
  endDate?: string;
  birthday?: string;
}

const DAY_MS = 86_400_000;

export function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

function shift(now: Date, days: number): string {
  return new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

const ISO = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/g;
const DMY = /(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/])/g;

// Both shapes hold a digit, a separator and a digit: without that, neither pattern needs to run.
const DATE_HINT = /\d[/.-]\d/;

/** Explicit dates in the folded text. DD/MM/YYYY is Brazilian order; 12/31/2024 (no 31st month) is read as US. */
export function findExplicitDates(folded: string): Found<string>[] {
  const found: Found<string>[] = [];
  if (!DATE_HINT.test(folded)) return found;
  for (const m of folded.matchAll(ISO)) {
    const value = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (value) found.push({ start: m.index, end: m.index + m[0].length, value });
  }
  for (const m of folded.matchAll(DMY)) {
    if (found.some((f) => m.index < f.end && m.index + m[0].length > f.start)) continue;
    const year = m[3]?.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    const value = isoDate(year, Number(m[2]), Number(m[1])) ?? isoDate(year, Number(m[1]), Number(m[2]));
    if (value) found.push({ start: m.index, end: m.index + m[0].length, value });
  }
  return found.sort((a, b) => a.start - b.start);
}

type Role = 'birthday' | 'start' | 'weak-start' | 'end' | 'plain';

// Each pattern reads the few characters just before a date (a bounded window, anchored at its end).
const ROLE_PATTERNS: [Role, RegExp][] = [
  ['birthday', /(?:nascimento|nascid[oa]|nasceu|aniversario|birthday|born|birth|dob)\W+(?:em\W+|on\W+|in\W+|dia\W+|e\W+|is\W+)?$/],
  ['start', /(?:desde|partir d[eo]|apos|depois de|since|after|starting|entre|between)\W+(?:o\W+|dia\W+|o dia\W+|the\W+)?$/],
  ['end', /(?:\bate|antes de|before|until|till|through|\bto|\ba|\be|\band)\W+(?:o\W+|dia\W+|o dia\W+|the\W+)?$/],
  ['weak-start', /(?:\bde|\bfrom|\bdo dia)\W+$/],
];

function roleOf(folded: string, start: number): Role {
  const before = folded.slice(Math.max(0, start - 30), start);
  for (const [role, pattern] of ROLE_PATTERNS) if (pattern.test(before)) return role;
  return 'plain';
}

function explicitRange(folded: string, dates: readonly Found<string>[]): DateEntities {
  const result: DateEntities = {};
  const starts: string[] = [];
  const ends: string[] = [];
  const plain: string[] = [];
  const weak: { value: string; from: boolean }[] = [];
  for (const date of dates) {
    const role = roleOf(folded, date.start);
    if (role === 'birthday') result.birthday ??= date.value;
    else if (role === 'start') starts.push(date.value);
    else if (role === 'end') ends.push(date.value);
    else if (role === 'weak-start') weak.push({ value: date.value, from: /from\W+$/.test(folded.slice(Math.max(0, date.start - 8), date.start)) });
    else plain.push(date.value);
  }
  // "de 01/01 até 31/01" and "from 2024-01-01" open a range; "leads de 05/01/2024" names one day.
  for (const w of weak) (ends.length > 0 || w.from ? starts : plain).push(w.value);
  if (starts.length > 0 || ends.length > 0) {
    if (starts[0]) result.startDate = starts[0];
    if (ends[0]) result.endDate = ends[0];
  } else if (plain.length > 0) {
    const sorted = [...plain].sort();
    result.startDate = sorted[0];
    result.endDate = sorted[sorted.length - 1];
  }
  return result;
}

const UNIT_DAYS: Record<string, number> = {
  dia: 1, dias: 1, day: 1, days: 1, semana: 7, semanas: 7, week: 7, weeks: 7, mes: 30, meses: 30, month: 30,
  months: 30, ano: 365, anos: 365, year: 365, years: 365,
};
const LAST = new Set(['ultimos', 'ultimas', 'ultimo', 'ultima', 'last', 'past', 'previous']);
const THIS = new Set(['este', 'esta', 'esse', 'essa', 'deste', 'desta', 'desse', 'dessa', 'neste', 'nesta', 'nesse', 'nessa', 'this', 'current']);
const PASSED = new Set(['passado', 'passada']);

function sinceDaysAgo(now: Date, days: number): DateEntities {
  return { startDate: shift(now, -days), endDate: shift(now, 0) };
}

/** "hoje", "ontem", "últimos N dias", "última semana", "semana passada", "este mês", and the English forms. */
function relativeRange(tokens: readonly Token[], now: Date): DateEntities | undefined {
  // An invalid `now` has always failed here, relative date or not; formatting "today" only when one is found
  // must not change that.
  if (Number.isNaN(now.getTime())) throw new RangeError('Invalid time value');
  for (let i = 0; i < tokens.length; i += 1) {
    const word = tokens[i]?.text ?? '';
    const next = tokens[i + 1]?.text ?? '';
    const after = tokens[i + 2]?.text ?? '';
    if (word === 'hoje' || word === 'today') return sinceDaysAgo(now, 0);
    if (word === 'ontem' || word === 'yesterday') return { startDate: shift(now, -1), endDate: shift(now, -1) };
    // Units are looked up only next to a word that can open a range ("últimos", "passada", "este").
    if (LAST.has(word)) {
      const countedUnit = UNIT_DAYS[after];
      if (/^\d{1,4}$/.test(next) && countedUnit !== undefined) {
        const days = Math.min(Number(next) * countedUnit, 36_500);
        if (days > 0) return sinceDaysAgo(now, days - 1);
      }
      const unit = UNIT_DAYS[next];
      if (unit !== undefined) return sinceDaysAgo(now, unit - 1);
    } else if (PASSED.has(next)) {
      const unit = UNIT_DAYS[word];
      if (unit !== undefined) return sinceDaysAgo(now, unit - 1);
    } else if (THIS.has(word)) {
      const unit = UNIT_DAYS[next];
      if (unit !== undefined && unit > 1) {
        if (unit === 7) return sinceDaysAgo(now, (now.getUTCDay() + 6) % 7);
        const today = shift(now, 0);
        return { startDate: isoDate(now.getUTCFullYear(), unit === 30 ? now.getUTCMonth() + 1 : 1, 1) ?? today, endDate: today };
      }
    }
  }
  return undefined;
}

export function resolveDates(
  folded: string,
  explicit: readonly Found<string>[],
  tokens: readonly Token[],
  now: Date,
): DateEntities {
  const result = explicitRange(folded, explicit);
  if (result.startDate === undefined && result.endDate === undefined) {
    const relative = relativeRange(tokens, now);
    if (relative) Object.assign(result, relative);
  }
  return result;
}
