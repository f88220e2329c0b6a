// Email addresses and Brazilian phone numbers, found in the raw prompt before it is split into words (both
// contain punctuation the tokenizer would break apart). Each match reports its span so later passes skip it.
import { emailField, phoneField } from '@leadlovers/tools';

export interface Span {
  start: number;
  end: number;
}

export interface Found<T> extends Span {
  value: T;
}

const LOCAL_CHAR = /[a-z0-9._%+-]/i;
const DOMAIN_CHAR = /[a-z0-9.-]/i;
// A cheap shape check before the real (and slower) zod email check; its groups cannot overlap.
const EMAIL_SHAPE = /^[^@]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/;
const MAX_EMAILS = 20;

/**
 * Emails by expanding around each '@' instead of one big regex: every character is visited a bounded number
 * of times, so a 4000-character run of "a" or "@" costs the same as a normal prompt.
 */
export function findEmails(text: string): Found<string>[] {
  const found: Found<string>[] = [];
  let at = text.indexOf('@');
  while (at !== -1 && found.length < MAX_EMAILS) {
    let start = at;
    while (start > 0 && LOCAL_CHAR.test(text.charAt(start - 1))) start -= 1;
    let end = at + 1;
    while (end < text.length && DOMAIN_CHAR.test(text.charAt(end))) end += 1;
    while (start < at && text.charAt(start) === '.') start += 1;
    while (end > at + 1 && /[.-]/.test(text.charAt(end - 1))) end -= 1;
    const candidate = text.slice(start, end).toLowerCase();
    if (candidate.length <= 254 && EMAIL_SHAPE.test(candidate) && emailField.safeParse(candidate).success) {
      found.push({ start, end, value: candidate });
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
  return found;
}

// (+55) (DDD) 9XXXX-XXXX, every piece of fixed width, so the pattern cannot backtrack far.
const PHONE = /(?<![\d+])(?:\+\s?55[\s-]?|55(?=\d{10,11}(?!\d)))?(?:\(\d{2}\)\s?|\d{2}[\s-]?)?9?\d{4}[\s.-]?\d{4}(?!\d)/g;
const PHONE_HINT = /\d{4}[\s.-]?\d{4}/;
const PHONE_KEYWORD = /(?:telefone|tel|fone|celular|cel|whatsapp|zap|phone|mobile|cell)\W{0,3}$/;
// A long machine code ("máquina 1234567890") has a phone's digit count; the keyword before it decides.
const CODE_KEYWORD = /(?:maquina|machine|sequencia|sequence|nivel|level|codigo|code|pagina|page)\W{0,3}#?$/;

/**
 * Phones with 10 to 13 digits anywhere, or 8 to 9 digits right after a phone keyword. The value is the digits
 * (with '+' when the user gave a country code that way), which the tool's phone field accepts.
 */
export function findPhones(original: string, folded: string): Found<string>[] {
  const found: Found<string>[] = [];
  // Every phone ends in two groups of four digits; most prompts have none and skip the full pattern.
  if (!PHONE_HINT.test(original)) return found;
  for (const match of original.matchAll(PHONE)) {
    const start = match.index;
    const end = start + match[0].length;
    const digits = match[0].replace(/\D/g, '');
    const before = folded.slice(Math.max(0, start - 16), start);
    if (CODE_KEYWORD.test(before)) continue;
    const afterKeyword = PHONE_KEYWORD.test(before);
    if (digits.length < (afterKeyword ? 8 : 10)) continue;
    const value = (match[0].trimStart().startsWith('+') ? '+' : '') + digits;
    if (phoneField.safeParse(value).success) found.push({ start, end, value });
  }
  return found;
}
