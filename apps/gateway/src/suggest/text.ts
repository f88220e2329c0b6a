// Matching what the user typed against a candidate prompt: both are folded the planner's way (lowercase, no
// accents: planner/rules/normalize.ts) and split into words, then the typed words must appear in the candidate in
// order, the last one (still being typed) as a prefix. The quality says how close the completion is.
import { foldText } from '../planner/rules/normalize.js';

const WORD = /[\p{L}\p{N}]+/gu;
/** Connectors a user may write differently ("leads de máquina" for "leads da máquina"): skipped at a cost. */
const MAX_SKIPPED = 3;
const SKIPPABLE = new Set(['o', 'a', 'os', 'as', 'de', 'da', 'do', 'das', 'dos', 'the', 'of', 'for', 'from', 'um', 'uma', 'an']);

export interface Normalized {
  /** Folded words, in order. */
  words: string[];
  /** The words joined by single spaces: prefix comparisons happen here. */
  joined: string;
}

export interface TypedText extends Normalized {
  /** The user typed a space after the last word: it is complete, not a prefix of a longer one. */
  lastComplete: boolean;
}

export function normalize(text: string): Normalized {
  const words = foldText(text).folded.match(WORD) ?? [];
  return { words, joined: words.join(' ') };
}

export function normalizePartial(partial: string): TypedText {
  const normalized = normalize(partial);
  return { ...normalized, lastComplete: normalized.words.length > 0 && !/[\p{L}\p{N}]$/u.test(partial) };
}

/**
 * How well `candidate` completes `partial`, in (0, 1], or 0 when it does not: 1 for a plain prefix, 0.9 when the
 * typed words open the candidate with gaps filled in, less for words matched further in or connectors skipped.
 * An empty partial matches everything at 0.5 (the ranking then rests on source and recency).
 */
export function matchQuality(partial: TypedText, candidate: Normalized): number {
  const typed = partial.words;
  if (typed.length === 0) return 0.5;
  if (candidate.joined.startsWith(partial.joined)) {
    const next = candidate.joined.charAt(partial.joined.length);
    if (!partial.lastComplete || next === '' || next === ' ') return 1;
  }
  const words = candidate.words;
  let at = 0;
  let gaps = 0;
  let skipped = 0;
  let firstAt = -1;
  for (let i = 0; i < typed.length; i += 1) {
    const word = typed[i] as string;
    const isLast = i === typed.length - 1;
    // Words are matched as prefixes ("máq" for "máquina"), but a connector only as itself unless still being typed.
    const prefixOk = isLast ? !partial.lastComplete : !SKIPPABLE.has(word);
    let found = -1;
    // A connector only counts right where it stands: matched further on, it would pull the match past the word
    // the user meant ("leads de máquina" would jump to "curso de marketing"). Otherwise it is skipped, a few times.
    const last = SKIPPABLE.has(word) ? Math.min(at + 1, words.length) : words.length;
    for (let j = at; j < last; j += 1) {
      const candidateWord = words[j] as string;
      if (candidateWord === word || (prefixOk && candidateWord.startsWith(word))) {
        found = j;
        break;
      }
    }
    if (found < 0) {
      if (!SKIPPABLE.has(word) || skipped >= MAX_SKIPPED) return 0;
      skipped += 1;
      continue;
    }
    if (firstAt < 0) firstAt = found;
    gaps += found - at;
    at = found + 1;
  }
  if (firstAt < 0) return 0;
  const opening = firstAt === 0 ? 0.9 : 0.8;
  return Math.max(0.3, opening - 0.02 * (gaps - firstAt) - 0.03 * firstAt - 0.03 * skipped);
}
