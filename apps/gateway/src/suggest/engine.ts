// Ranks suggestions for what the user is typing: the user's own prompts (history), then prompts about the
// account's machines and sequences (data), then the planner's generic prompts (grammar), when they match about as
// well. Pure and synchronous: history and account data come in, at most `limit` suggestions go out.
import type { HistoryEntry, PromptSuggestion } from '@leadlovers/protocol';
import type { Language } from '../planner/types.js';
import { LANGUAGES, genericCandidates, textOf, type Candidate } from './candidates.js';
import { VERBS, type VerbGroup } from './grammar.js';
import { languageOf, type PlanMemo } from './plans.js';
import { matchQuality, normalize, normalizePartial, type TypedText } from './text.js';

export interface SuggestInput {
  partial: string;
  /** The client's choice; otherwise the partial's language, else the history's, else pt. */
  language?: Language | undefined;
  /** The user's entries, newest first. */
  history: readonly HistoryEntry[];
  /** The account's data candidates (candidates.ts), or undefined while they are not cached yet. */
  data?: readonly Candidate[] | undefined;
  limit?: number;
}

const SOURCE_BONUS = { history: 0.1, data: 0.05, grammar: 0 } as const;
/** Prompts the planner could not read, or that never reached it: not worth repeating. */
const UNREADABLE = new Set(['UNKNOWN_INTENT', 'INVALID_PAYLOAD']);
const MAX_HISTORY_CHARS = 500;

interface Scored {
  text: string;
  source: PromptSuggestion['source'];
  language: Language;
  score: number;
  /** Grammar and data candidates are checked against the planner before they are offered. */
  candidate?: Candidate;
}

interface Remembered {
  text: string;
  /** Position of its latest use, 0 = newest. */
  rank: number;
  uses: number;
  outcome: 'success' | 'needs-input' | 'failure';
}

/** History prompts, each once (latest use wins), without tool calls and prompts the planner could not read. */
function remembered(history: readonly HistoryEntry[], memo: PlanMemo): Remembered[] {
  const byText = new Map<string, Remembered>();
  for (const entry of history) {
    if (entry.kind !== 'prompt' || entry.input.length > MAX_HISTORY_CHARS || !entry.input.trim()) continue;
    const { response } = entry;
    if (!response.isSuccess && response.code !== undefined && UNREADABLE.has(response.code)) continue;
    const key = memo.of(entry.input.trim()).normalized.joined;
    const seen = byText.get(key);
    if (seen) {
      seen.uses += 1;
      continue;
    }
    const outcome = response.isSuccess ? 'success' : response.code === 'NEEDS_INPUT' ? 'needs-input' : 'failure';
    byText.set(key, { text: entry.input.trim(), rank: byText.size, uses: 1, outcome });
  }
  return [...byText.values()];
}

interface Verb {
  shown: string;
  folded: string;
}

const foldedVerbs = new Map<Language, [VerbGroup, Verb[]][]>();
function verbsOf(language: Language): [VerbGroup, Verb[]][] {
  let groups = foldedVerbs.get(language);
  if (!groups) {
    groups = (Object.entries(VERBS[language]) as [VerbGroup, readonly string[]][]).map(([group, verbs]) => [
      group,
      verbs.map((shown) => ({ shown, folded: normalize(shown).joined })),
    ]);
    foldedVerbs.set(language, groups);
  }
  return groups;
}

/** The verb each group opens with: the user's own when their first word is (or starts) one of the group. */
function chooseVerbs(partial: TypedText, language: Language): Record<VerbGroup, Verb> {
  const first = partial.words[0];
  const stillTyping = partial.words.length === 1 && !partial.lastComplete;
  const chosen = {} as Record<VerbGroup, Verb>;
  for (const [group, verbs] of verbsOf(language)) {
    const own = first === undefined ? undefined : (verbs.find((v) => v.folded === first) ?? (stillTyping ? verbs.find((v) => v.folded.startsWith(first)) : undefined));
    chosen[group] = own ?? (verbs[0] as Verb);
  }
  return chosen;
}

function historyLanguage(history: readonly Remembered[], memo: PlanMemo): Language | undefined {
  for (const entry of history) {
    const language = memo.of(entry.text).language;
    if (language) return language;
  }
  return undefined;
}

function scoreCandidates(partial: TypedText, language: Language, candidates: readonly Candidate[], scored: Scored[]): void {
  const verbs = chooseVerbs(partial, language);
  const empty = partial.words.length === 0;
  for (const candidate of candidates) {
    if (candidate.language !== language || (empty && !candidate.starter)) continue;
    const verb = candidate.verb ? verbs[candidate.verb] : undefined;
    const text = textOf(candidate, verb?.shown);
    const shown = verb ? [verb.folded, ...candidate.restWords] : candidate.restWords;
    const quality = matchQuality(partial, { words: candidate.hidden.length ? [...shown, ...candidate.hidden] : shown, joined: shown.join(' ') });
    if (quality > 0) scored.push({ text, source: candidate.source, language, score: quality + SOURCE_BONUS[candidate.source] + candidate.prior, candidate });
  }
}

function scoreHistory(partial: TypedText, language: Language, history: readonly Remembered[], memo: PlanMemo, scored: Scored[]): void {
  for (const entry of history) {
    const facts = memo.of(entry.text);
    if (facts.language !== undefined && facts.language !== language) continue;
    const quality = matchQuality(partial, facts.normalized);
    if (quality <= 0) continue;
    const recency = 0.05 * (1 - entry.rank / Math.max(history.length, 1));
    const outcome = entry.outcome === 'success' ? 0.03 : entry.outcome === 'needs-input' ? 0 : -0.1;
    const frequency = 0.005 * Math.min(entry.uses - 1, 4);
    scored.push({ text: entry.text, source: 'history', language, score: quality + SOURCE_BONUS.history + recency + outcome + frequency });
  }
}

function rank(partial: TypedText, language: Language, input: SuggestInput, history: readonly Remembered[], memo: PlanMemo): PromptSuggestion[] {
  const scored: Scored[] = [];
  scoreHistory(partial, language, history, memo, scored);
  if (input.data) scoreCandidates(partial, language, input.data, scored);
  scoreCandidates(partial, language, genericCandidates(language), scored);
  scored.sort((a, b) => b.score - a.score || a.text.length - b.text.length);

  const limit = input.limit ?? 5;
  const texts = new Set<string>(partial.words.length ? [partial.joined] : []);
  const calls = new Set<string>();
  const out: PromptSuggestion[] = [];
  for (const item of scored) {
    if (out.length >= limit) break;
    const facts = memo.of(item.text);
    // A suggestion equal to what is typed adds nothing; two that plan to the same call are one.
    if (texts.has(facts.normalized.joined) || (facts.signature !== undefined && calls.has(facts.signature))) continue;
    if (item.candidate && !memo.routes(item.text, item.candidate.expect)) continue;
    texts.add(facts.normalized.joined);
    if (facts.signature !== undefined) calls.add(facts.signature);
    out.push({ text: item.text, source: item.source, language: item.language, score: Math.round(item.score * 1000) / 1000 });
  }
  return out;
}

export function suggestPrompts(input: SuggestInput, memo: PlanMemo): PromptSuggestion[] {
  // Nothing offered is longer than a history prompt: a longer partial cannot be completed, only matched slowly.
  if (input.partial.length > MAX_HISTORY_CHARS * 2) return [];
  const partial = normalizePartial(input.partial);
  const history = remembered(input.history, memo);
  const detected = input.language ?? languageOf(input.partial);
  const language = detected ?? historyLanguage(history, memo) ?? 'pt';
  const found = rank(partial, language, input, history, memo);
  if (found.length > 0 || detected !== undefined) return found;
  // Nothing says which language the user writes in ("sho"): try the other before answering with nothing.
  const other = LANGUAGES.find((l) => l !== language) ?? 'en';
  return rank(partial, other, input, history, memo);
}
