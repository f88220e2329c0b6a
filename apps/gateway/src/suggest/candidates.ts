// Suggestion candidates: the generic templates in each language, and the data templates filled with an account's
// machines and sequences. Every data candidate is planned once here; a machine name that would change the plan
// (a number in it, an English name in a Portuguese prompt) is left out of the text but still matches what is typed.
import type { Language } from '../planner/types.js';
import { DATA_TEMPLATES, GENERIC_TEMPLATES, VERBS, fillTemplate, type DataTemplate, type VerbGroup } from './grammar.js';
import type { Expectation, PlanMemo } from './plans.js';
import { normalize } from './text.js';

export interface AccountSequence {
  code: number;
  name: string;
}

export interface AccountMachine {
  code: number;
  name: string;
  sequences: AccountSequence[];
}

export interface AccountData {
  machines: AccountMachine[];
}

export interface Candidate {
  source: 'grammar' | 'data';
  language: Language;
  /** The text opens with a verb of this group, which follows the user's own verb when they typed one. */
  verb?: VerbGroup;
  /** The text after the verb (or all of it when there is no verb), and its folded words. */
  rest: string;
  restWords: string[];
  /** Words that match what is typed without being shown: a name the planner would misread. */
  hidden: string[];
  expect: Expectation;
  prior: number;
  starter: boolean;
}

export const LANGUAGES: readonly Language[] = ['pt', 'en'];
const MAX_NAME_CHARS = 60;

export function textOf(candidate: Pick<Candidate, 'verb' | 'rest' | 'language'>, verb?: string): string {
  if (!candidate.verb) return candidate.rest;
  return `${verb ?? VERBS[candidate.language][candidate.verb][0]} ${candidate.rest}`;
}

const generic = new Map<Language, Candidate[]>();

/** The generic templates of a language (built once; checked against the planner in the tests). */
export function genericCandidates(language: Language): readonly Candidate[] {
  let list = generic.get(language);
  if (!list) {
    list = GENERIC_TEMPLATES.map((t) => ({
      source: 'grammar' as const,
      language,
      ...(t.verb ? { verb: t.verb } : {}),
      rest: t.text[language],
      restWords: normalize(t.text[language]).words,
      hidden: [],
      expect: { tool: t.tool, language, complete: t.complete },
      prior: t.prior,
      starter: t.starter === true,
    }));
    generic.set(language, list);
  }
  return list;
}

/** A name as it may appear inside a prompt: no quotes or brackets (the planner reads quotes as a search). */
export function cleanName(name: string): string {
  return name
    .replace(/[\p{Cc}"“”«»()[\]{}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_CHARS)
    .trim();
}

interface Slots {
  code: number;
  name: string;
  sequence?: AccountSequence;
}

function dataCandidate(template: DataTemplate, language: Language, slots: Slots, prior: number, starter: boolean, memo: PlanMemo): Candidate | undefined {
  const args: Record<string, unknown> = { machineCode: slots.code };
  if (slots.sequence) args.sequenceCode = slots.sequence.code;
  const expect: Expectation = { tool: template.tool, language, complete: template.complete, arguments: args };
  const shown = slots.sequence ? cleanName(slots.sequence.name) : cleanName(slots.name);
  const fill = (label: string) =>
    fillTemplate(template.text[language], {
      code: String(slots.code),
      label: slots.sequence ? '' : label,
      seq: String(slots.sequence?.code ?? ''),
      seqLabel: slots.sequence ? label : '',
    });
  const base = { source: 'data' as const, language, ...(template.verb ? { verb: template.verb } : {}), expect, prior, starter };
  if (shown) {
    const rest = fill(` (${shown})`);
    const candidate: Candidate = { ...base, rest, restWords: normalize(rest).words, hidden: [] };
    if (memo.routes(textOf(candidate), expect)) return candidate;
  }
  const rest = fill('');
  const candidate: Candidate = { ...base, rest, restWords: normalize(rest).words, hidden: normalize(shown).words };
  return memo.routes(textOf(candidate), expect) ? candidate : undefined;
}

export interface BuildOptions {
  maxMachines?: number;
  maxSequencesPerMachine?: number;
  /** Called between machines so a large account does not hold the event loop for the whole build. */
  pause?: () => Promise<void>;
}

/** The data candidates of an account, in both languages. */
export async function buildDataCandidates(data: AccountData, memo: PlanMemo, options: BuildOptions = {}): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const machines = data.machines.slice(0, options.maxMachines ?? 12);
  for (const [index, machine] of machines.entries()) {
    const prior = (p: number) => Math.max(0, p - 0.003 * index);
    for (const template of DATA_TEMPLATES) {
      const starter = template.starter === true && index === 0;
      const targets = template.about === 'machine' ? [undefined] : machine.sequences.slice(0, options.maxSequencesPerMachine ?? 6);
      for (const sequence of targets) {
        for (const language of LANGUAGES) {
          const slots: Slots = { code: machine.code, name: machine.name, ...(sequence ? { sequence } : {}) };
          const candidate = dataCandidate(template, language, slots, prior(template.prior), starter, memo);
          if (candidate) candidates.push(candidate);
        }
      }
    }
    await options.pause?.();
  }
  return candidates;
}
