// Text folding for matching: lowercase and accent-free, one character out for one character in, so an index
// found in the folded text slices the user's original text (names and topics keep their accents and casing).
export const MAX_PROMPT_CHARS = 4000;

const COMBINING_MARKS = /[\u0300-\u036f]/g;
// ASCII is already NFC and folds with one toLowerCase call, which spares most prompts the per-character work.
const NON_ASCII = /[\u0080-\uffff]/;

export interface FoldedText {
  /** The prompt as the user wrote it (NFC, bounded length): values are sliced from here. */
  original: string;
  /** Same length as `original`; lowercase, without diacritics: patterns match here. */
  folded: string;
}

// Unicode normalisation is the costly part of folding, and prompts reuse a small set of accented letters.
// Bounded so a prompt of rare characters cannot grow it past a few hundred kilobytes.
const foldCache = new Map<string, string>();
const FOLD_CACHE_MAX = 4096;

function foldChar(ch: string): string {
  let folded = foldCache.get(ch);
  if (folded === undefined) {
    folded = foldUncached(ch);
    if (foldCache.size < FOLD_CACHE_MAX) foldCache.set(ch, folded);
  }
  return folded;
}

function foldUncached(ch: string): string {
  const folded = ch.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
  if (folded.length === 1) return folded;
  const lower = ch.toLowerCase();
  // 'İ' lowercases to two code units; a lone combining mark folds to nothing. Keep the original then.
  return lower.length === 1 ? lower : ch;
}

export function foldText(input: string): FoldedText {
  // Length is bounded before normalising, and again after (NFC never grows Latin text, but stay safe).
  const bounded = input.slice(0, MAX_PROMPT_CHARS);
  if (!NON_ASCII.test(bounded)) return { original: bounded, folded: bounded.toLowerCase() };
  const original = bounded.normalize('NFC').slice(0, MAX_PROMPT_CHARS);
  let folded = '';
  // ASCII runs are lowercased whole; only the other characters go one by one.
  let run = 0;
  for (let i = 0; i < original.length; i += 1) {
    if (original.charCodeAt(i) < 0x80) continue;
    folded += original.slice(run, i).toLowerCase() + foldChar(original.charAt(i));
    run = i + 1;
  }
  return { original, folded: folded + original.slice(run).toLowerCase() };
}

/** Blank out spans (already taken by an entity) so later patterns cannot reuse their characters. */
export function maskSpans(text: string, spans: readonly { start: number; end: number }[]): string {
  let masked = text;
  for (const span of spans) {
    const end = Math.min(span.end, masked.length);
    if (span.start < end) masked = masked.slice(0, span.start) + ' '.repeat(end - span.start) + masked.slice(end);
  }
  return masked;
}
