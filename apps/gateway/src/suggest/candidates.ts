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

/** One data candidate before it is written out: a template filled for one machine (or sequence) in one language. */
interface Draft {
  template: DataTemplate;
  language: Language;
  slots: Slots;
  prior: number;
  starter: boolean;
}

/** What the planner made of a draft: left out, offered with the name shown, or with the name hidden. */
const OMITTED = 0;
const SHOWN = 1;
const HIDDEN = 2;

/** The draft written out with its name shown (undefined when it has no printable name) or hidden. */
function write(draft: Draft, variant: typeof SHOWN | typeof HIDDEN): Candidate | undefined {
  const { template, language, slots } = draft;
  const args: Record<string, unknown> = { machineCode: slots.code };
  if (slots.sequence) args.sequenceCode = slots.sequence.code;
  const expect: Expectation = { tool: template.tool, language, complete: template.complete, arguments: args };
  const shown = slots.sequence ? cleanName(slots.sequence.name) : cleanName(slots.name);
  if (variant === SHOWN && !shown) return undefined;
  const label = variant === SHOWN ? ` (${shown})` : '';
  const rest = fillTemplate(template.text[language], {
    code: String(slots.code),
    label: slots.sequence ? '' : label,
    seq: String(slots.sequence?.code ?? ''),
    seqLabel: slots.sequence ? label : '',
  });
  return {
    source: 'data',
    language,
    ...(template.verb ? { verb: template.verb } : {}),
    expect,
    prior: draft.prior,
    starter: draft.starter,
    rest,
    restWords: normalize(rest).words,
    hidden: variant === SHOWN ? [] : normalize(shown).words,
  };
}

/** The name shown when the planner still routes the prompt to its call; else hidden, if that routes; else omitted. */
function plan(draft: Draft, memo: PlanMemo): number {
  const shown = write(draft, SHOWN);
  if (shown && memo.routes(textOf(shown), shown.expect)) return SHOWN;
  const hidden = write(draft, HIDDEN) as Candidate;
  return memo.routes(textOf(hidden), hidden.expect) ? HIDDEN : OMITTED;
}

export interface BuildOptions {
  maxMachines?: number;
  maxSequencesPerMachine?: number;
  /** Called between machines so a large account does not hold the event loop for the whole build. */
  pause?: () => Promise<void>;
}

/**
 * An account's data candidates as planned, in a few bytes per candidate: the machines and sequences they are
 * about and, for each draft in build order, what the planner made of it. Planning is the expensive part (the rules
 * planner runs on every text); writing the texts out again from this is cheap, so a cache of many accounts keeps
 * this form and writes out only the accounts being typed in.
 */
export interface PlannedCandidates {
  readonly machines: readonly AccountMachine[];
  readonly outcomes: Uint8Array;
}

/** The drafts of an account's first machines (and their first sequences), machine by machine, in build order. */
function* draftsOf(machines: readonly AccountMachine[]): Generator<Draft[]> {
  for (const [index, machine] of machines.entries()) {
    const prior = (p: number) => Math.max(0, p - 0.003 * index);
    const drafts: Draft[] = [];
    for (const template of DATA_TEMPLATES) {
      const starter = template.starter === true && index === 0;
      const targets = template.about === 'machine' ? [undefined] : machine.sequences;
      for (const sequence of targets) {
        for (const language of LANGUAGES) {
          const slots: Slots = { code: machine.code, name: machine.name, ...(sequence ? { sequence } : {}) };
          drafts.push({ template, language, slots, prior: prior(template.prior), starter });
        }
      }
    }
    yield drafts;
  }
}

/** Plans the data candidates of an account, in both languages (see PlannedCandidates). */
export async function planDataCandidates(data: AccountData, memo: PlanMemo, options: BuildOptions = {}): Promise<PlannedCandidates> {
  // Only what the candidates are made of is kept: the first machines, their first sequences, codes and names.
  const maxSequences = options.maxSequencesPerMachine ?? 6;
  const machines = data.machines.slice(0, options.maxMachines ?? 12).map((m) => ({
    code: m.code,
    name: m.name,
    sequences: m.sequences.slice(0, maxSequences).map((s) => ({ code: s.code, name: s.name })),
  }));
  const outcomes: number[] = [];
  for (const drafts of draftsOf(machines)) {
    for (const draft of drafts) outcomes.push(plan(draft, memo));
    await options.pause?.();
  }
  return { machines, outcomes: Uint8Array.from(outcomes) };
}

/** The candidates of a planned account, written out (no planning: the same list buildDataCandidates returns). */
export function writeCandidates(planned: PlannedCandidates): Candidate[] {
  const candidates: Candidate[] = [];
  let at = 0;
  for (const drafts of draftsOf(planned.machines)) {
    for (const draft of drafts) {
      const outcome = planned.outcomes[at++];
      if (outcome === SHOWN || outcome === HIDDEN) candidates.push(write(draft, outcome) as Candidate);
    }
  }
  return candidates;
}

/** The data candidates of an account, in both languages. */
export async function buildDataCandidates(data: AccountData, memo: PlanMemo, options: BuildOptions = {}): Promise<Candidate[]> {
  return writeCandidates(await planDataCandidates(data, memo, options));
}
