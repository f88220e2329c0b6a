// Lead score: "score 50", "pontuação para 80", "score do lead x@y.com para 80" set it; "adicione 10 pontos",
// "add 10 points", "aumente o score em 5", "+10" add to it; "tire 5 pontos" adds a negative amount.
import { NOUNS } from '../lexicon.js';
import { charBefore, isDigits } from '../tokens.js';
import type { Token, Tokenized } from '../tokens.js';

export interface ScoreEntity {
  value: number;
  mode: 'set' | 'add';
}

const ADD_VERBS = new Set([
  'adicione', 'adicionar', 'adiciona', 'acrescente', 'acrescentar', 'some', 'somar', 'soma', 'aumente', 'aumentar',
  'aumenta', 'incremente', 'incrementar', 'ganhe', 'mais', 'add', 'increase', 'increment', 'give', 'raise', 'bump',
  'boost', 'plus', 'award',
]);
const SUBTRACT_VERBS = new Set([
  'subtraia', 'subtrair', 'diminua', 'diminuir', 'reduza', 'reduzir', 'tire', 'tirar', 'retire', 'retirar', 'remova',
  'remover', 'decremente', 'menos', 'subtract', 'decrease', 'reduce', 'remove', 'deduct', 'lower', 'take', 'minus',
]);
const BY_WORDS = new Set(['em', 'by']);
const SCORE_NOUNS = new Set(['score', 'scores', 'pontuacao', 'scoring']);
const POINT_NOUNS = new Set(['pontos', 'ponto', 'points', 'point', 'pts']);
const WINDOW = 8;

function direction(tokens: readonly Token[]): 1 | -1 | 0 {
  for (const token of tokens) {
    if (ADD_VERBS.has(token.text)) return 1;
    if (SUBTRACT_VERBS.has(token.text)) return -1;
  }
  return 0;
}

function build(text: Tokenized, number: Token, mode: 'set' | 'add', sign: 1 | -1): ScoreEntity | undefined {
  const before = charBefore(text, number);
  const explicit = before === '-' ? -1 : 1;
  const value = Number(number.text) * explicit * sign;
  if (!Number.isSafeInteger(value) || Math.abs(value) > 100_000) return undefined;
  return { value, mode: before === '+' ? 'add' : mode };
}

export function mentionsScore(tokens: readonly Token[]): boolean {
  return tokens.some((token) => NOUNS.score.has(token.text));
}

export function extractScore(text: Tokenized, used: Set<number>): ScoreEntity | undefined {
  const { tokens } = text;
  // Every score is a number: a prompt without one skips the verb and keyword passes.
  if (!tokens.some(isDigits)) return undefined;
  const dir = direction(tokens);
  for (const token of tokens) {
    // "10 pontos": the number comes first; a verb elsewhere says whether it is added or taken away.
    const previous = tokens[token.index - 1];
    if (POINT_NOUNS.has(token.text) && isDigits(previous) && !used.has(previous.index)) {
      used.add(previous.index);
      return build(text, previous, dir === 0 ? 'set' : 'add', dir === -1 ? -1 : 1);
    }
    if (!SCORE_NOUNS.has(token.text)) continue;
    // "score (do lead x) para 80": the first unused number a few words on.
    for (let i = token.index + 1; i < tokens.length && i <= token.index + WINDOW; i += 1) {
      const candidate = tokens[i];
      if (!isDigits(candidate) || used.has(i)) continue;
      if (POINT_NOUNS.has(tokens[i + 1]?.text ?? '')) break;
      used.add(i);
      const byAmount = BY_WORDS.has(tokens[i - 1]?.text ?? '') && dir !== 0;
      return build(text, candidate, byAmount ? 'add' : 'set', byAmount && dir === -1 ? -1 : 1);
    }
  }
  return undefined;
}
