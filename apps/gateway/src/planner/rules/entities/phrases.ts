// Collecting a multi-word value that follows a keyword ("chamado João da Silva", "empresa Acme Ltda",
// "para curso de marketing"): words are taken while they are joined by spaces and are not another keyword.
import { PARTICLES, STOP_WORDS } from '../lexicon.js';
import { hasLetter, isCapitalized, isDigits, joinedBySpace, sliceRaw } from '../tokens.js';
import type { Token, Tokenized } from '../tokens.js';

export interface PhraseOptions {
  /** Only words starting with a capital letter ("para Maria Santos", never "para novos assinantes"). */
  capitalized: boolean;
  maxWords: number;
  /** Leading words to skip ("o", "de", ":") before the value starts. */
  skip?: ReadonlySet<string>;
  /** Numbers may be part of the value ("Loja 2"). */
  digits?: boolean;
  /** Keywords this value may nevertheless contain ("para os leads" names an audience). */
  allow?: ReadonlySet<string>;
  /** Replaces the shared STOP_WORDS (an email topic may say "aniversário", a name may not). */
  stopWords?: ReadonlySet<string>;
}

export interface Phrase {
  value: string;
  first: Token;
  last: Token;
}

function accepts(token: Token, options: PhraseOptions): boolean {
  if ((options.stopWords ?? STOP_WORDS).has(token.text) && !options.allow?.has(token.text)) return false;
  if (isDigits(token)) return options.digits === true;
  if (!hasLetter(token)) return false;
  return !options.capitalized || isCapitalized(token);
}

/** The value starting after token `at`, or undefined when what follows is not one. */
export function phraseAfter(text: Tokenized, at: number, options: PhraseOptions): Phrase | undefined {
  const { tokens } = text;
  let i = at + 1;
  let previous = tokens[at];
  // At most a few skipped words ("com o nome", "da cidade de"), so a run of fillers costs nothing.
  while (i <= at + 3 && previous && tokens[i] && options.skip?.has(tokens[i]?.text ?? '') && joinedBySpace(text, previous, tokens[i] as Token, true)) {
    previous = tokens[i];
    i += 1;
  }
  const first = tokens[i];
  if (!previous || !first || !joinedBySpace(text, previous, first, true)) return undefined;
  if (PARTICLES.has(first.text) || !accepts(first, options)) return undefined;
  let last = first;
  let count = 1;
  for (let j = i + 1; j < tokens.length && count < options.maxWords; j += 1) {
    const token = tokens[j] as Token;
    if (!joinedBySpace(text, tokens[j - 1] as Token, token)) break;
    if (PARTICLES.has(token.text)) {
      // A connector belongs to the value only when a value word follows it ("Maria da Silva").
      const next = tokens[j + 1];
      if (next && joinedBySpace(text, token, next) && accepts(next, options)) {
        last = next;
        count += 2;
        j += 1;
        continue;
      }
      break;
    }
    if (!accepts(token, options)) break;
    last = token;
    count += 1;
  }
  return { value: sliceRaw(text, first, last), first, last };
}
