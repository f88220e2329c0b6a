// Numeric codes named by a keyword: "máquina 12345", "machine #12345", "sequência 3", "nível 2", "página 2",
// "20 por página". A number is taken only right after its keyword (a few filler words allowed), and marked
// used so the score or another code cannot take it again.
import { NOUNS } from '../lexicon.js';
import { isDigitText, isDigits, toCode } from '../tokens.js';
import type { Token } from '../tokens.js';

export interface CodeEntities {
  machineCode?: number;
  sequenceCode?: number;
  levelCode?: number;
  page?: number;
  pageSize?: number;
}

const FILLERS = new Set([
  'de', 'do', 'da', 'com', 'o', 'a', 'the', 'of', 'with', 'code', 'codigo', 'cod', 'id', 'numero', 'number', 'num',
  'no', 'n', 'nº', 'nr', 'is', 'igual', 'equals', 'cujo', 'whose', 'tem', 'has',
]);
const PAGE_WORDS = new Set(['pagina', 'page', 'pag']);
const PER_PAGE = new Set(['por', 'per', 'a', 'each', 'cada']);
const LIMIT_WORDS = new Set(['limite', 'limit', 'top', 'primeiros', 'primeiras', 'first', 'pagesize', 'max', 'maximo']);

/** The first unused number within a few filler words after token `at`. */
function numberAfter(tokens: readonly Token[], at: number, used: Set<number>): Token | undefined {
  for (let i = at + 1; i < tokens.length && i <= at + 4; i += 1) {
    const token = tokens[i];
    if (token === undefined) return undefined;
    if (isDigitText(token.text)) return used.has(i) ? undefined : token;
    if (!FILLERS.has(token.text)) return undefined;
  }
  return undefined;
}

function takeCode(tokens: readonly Token[], words: ReadonlySet<string>, used: Set<number>): number | undefined {
  for (const token of tokens) {
    if (!words.has(token.text)) continue;
    const number = numberAfter(tokens, token.index, used);
    const code = toCode(number);
    if (number && code !== undefined) {
      used.add(number.index);
      return code;
    }
  }
  return undefined;
}

function takePaging(tokens: readonly Token[], used: Set<number>): Pick<CodeEntities, 'page' | 'pageSize'> {
  const result: Pick<CodeEntities, 'page' | 'pageSize'> = {};
  for (const token of tokens) {
    const next = tokens[token.index + 1];
    const after = tokens[token.index + 2];
    if (isDigits(token) && !used.has(token.index) && next && PER_PAGE.has(next.text) && after && PAGE_WORDS.has(after.text)) {
      result.pageSize ??= Math.min(Math.max(Number(token.text), 1), 100);
      used.add(token.index);
    } else if (PAGE_WORDS.has(token.text) || LIMIT_WORDS.has(token.text)) {
      const number = numberAfter(tokens, token.index, used);
      const value = toCode(number);
      if (!number || value === undefined) continue;
      used.add(number.index);
      if (PAGE_WORDS.has(token.text)) result.page ??= Math.min(value, 10_000);
      else result.pageSize ??= Math.min(value, 100);
    }
  }
  return result;
}

export function extractCodes(tokens: readonly Token[], used: Set<number>): CodeEntities {
  const codes: CodeEntities = {};
  // Every code and page size is a number: a prompt without one has nothing to read here.
  if (!tokens.some(isDigits)) return codes;
  const machineCode = takeCode(tokens, NOUNS.machine, used);
  const sequenceCode = takeCode(tokens, NOUNS.sequence, used);
  const levelCode = takeCode(tokens, NOUNS.level, used);
  if (machineCode !== undefined) codes.machineCode = machineCode;
  if (sequenceCode !== undefined) codes.sequenceCode = sequenceCode;
  if (levelCode !== undefined) codes.levelCode = levelCode;
  return { ...codes, ...takePaging(tokens, used) };
}

/** Numbers no keyword claimed: "Detalhes da 12345" still names a machine when nothing else can. */
export function looseNumbers(tokens: readonly Token[], used: ReadonlySet<number>): number[] {
  const numbers: number[] = [];
  for (const token of tokens) {
    const code = used.has(token.index) ? undefined : toCode(token);
    if (code !== undefined) numbers.push(code);
  }
  return numbers;
}
