// Text folding for matching: lowercase and accent-free, one character out for one character in, so an index
// found in the folded text slices the user's original text (names and topics keep their accents and casing).
export const MAX_PROMPT_CHARS = 4000;

const COMBINING_MARKS = /[\u0300-\u036f]/g;

export interface FoldedText {
  /** The prompt as the user wrote it (NFC, bounded length): values are sliced from here. */
  original: string;
  /** Same length as `original`; lowercase, without diacritics: patterns match here. */
  folded: string;
}

function foldChar(ch: string): string {
  const folded = ch.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
  if (folded.length === 1) return folded;
  const lower = ch.toLowerCase();
  // 'İ' lowercases to two code units; a lone combining mark folds to nothing. Keep the original then.
  return lower.length === 1 ? lower : ch;
}

export function foldText(input: string): FoldedText {
  // Length is bounded before normalising, and again after (NFC never grows Latin text, but stay safe).
  const original = input.slice(0, MAX_PROMPT_CHARS).normalize('NFC').slice(0, MAX_PROMPT_CHARS);
  let folded = '';
  for (let i = 0; i < original.length; i += 1) {
    const code = original.charCodeAt(i);
    folded += code < 0x80 ? original.charAt(i).toLowerCase() : foldChar(original.charAt(i));
  }
  return { original, folded };
}

/** Blank out spans (already taken by an entity) so later patterns cannot reuse their characters. */
export function maskSpans(text: string, spans: readonly { start: number; end: number }[]): string {
  if (spans.length === 0) return text;
  const chars = text.split('');
  for (const span of spans) {
    for (let i = span.start; i < span.end && i < chars.length; i += 1) chars[i] = ' ';
  }
  return chars.join('');
}
