// What the rules planner makes of a prompt, remembered per text: a suggestion is only offered when the planner
// routes it to the tool it was written for, and two suggestions that plan to the same call are one suggestion.
// Planning costs ~0.1 ms, so the answers are kept in a bounded LRU, planned lazily and again on a new day.
import type { ToolName } from '@leadlovers/tools';
import { foldText } from '../planner/rules/normalize.js';
import { planPrompt } from '../planner/rules/index.js';
import { detectLanguage } from '../planner/rules/language.js';
import { tokenize, type Token } from '../planner/rules/tokens.js';
import type { Language, Plan } from '../planner/types.js';
import { normalize, type Normalized } from './text.js';

export interface Expectation {
  tool: ToolName;
  language: Language;
  /** The planner must call the tool right away (not ask for a missing field). */
  complete: boolean;
  /** When given, the call's arguments must be exactly these (a machine's leads, not a search on its name). */
  arguments?: Record<string, unknown>;
}

export interface PromptFacts {
  readonly normalized: Normalized;
  /** The language the text is written in, or undefined when its words do not tell. */
  readonly language: Language | undefined;
  /** Planned on first use: most history prompts are never planned, only the ones that make the list. */
  readonly plan: Plan;
  /** Same value for prompts that plan to the same tool call. */
  readonly signature: string | undefined;
}

interface Remembered extends PromptFacts {
  /** The UTC day the plan is (or will be) made for. */
  readonly day: string;
}

function factsOf(text: string, now: Date, day: string, known?: PromptFacts): Remembered {
  let plan: Plan | undefined;
  let signature: { value: string | undefined } | undefined;
  const planned = (): Plan => (plan ??= planPrompt(text, { now }));
  return {
    day,
    normalized: known?.normalized ?? normalize(text),
    language: known ? known.language : languageOf(text),
    get plan() {
      return planned();
    },
    get signature() {
      signature ??= { value: signatureOf(planned()) };
      return signature.value;
    },
  };
}

/** English marker for the tie test in languageOf: any word detectLanguage counts as English and not Portuguese. */
const EN_PROBE: Token = { text: 'the', raw: 'the', start: 0, end: 0, index: 0 };

/** The planner's language of a text, but undefined on a tie (the planner breaks ties in favour of pt). */
export function languageOf(text: string): Language | undefined {
  const { original, folded } = foldText(text);
  const tokens = tokenize(original, folded).tokens;
  if (detectLanguage(tokens) === 'en') return 'en';
  // detectLanguage says pt on a tie; with one more English marker it still says pt only if pt really led.
  return detectLanguage([...tokens, EN_PROBE]) === 'pt' ? 'pt' : undefined;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export function signatureOf(plan: Plan): string | undefined {
  return plan.kind === 'call' ? `${plan.tool}:${stable(plan.arguments)}` : undefined;
}

export function meets(plan: Plan, expect: Expectation): boolean {
  if (plan.kind === 'unknown' || plan.tool !== expect.tool || plan.language !== expect.language) return false;
  if (expect.complete && plan.kind !== 'call') return false;
  return expect.arguments === undefined || stable(plan.arguments) === stable(expect.arguments);
}

export class PlanMemo {
  private readonly facts = new Map<string, Remembered>();

  constructor(
    private readonly maxEntries = 5_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  of(text: string): PromptFacts {
    const now = this.now();
    const day = now.toISOString().slice(0, 10);
    const known = this.facts.get(text);
    if (known) this.facts.delete(text);
    // Relative dates ("hoje") plan to other arguments tomorrow: a plan from another day is made again (lazily).
    const facts = known?.day === day ? known : factsOf(text, now, day, known);
    this.facts.set(text, facts);
    if (this.facts.size > this.maxEntries) {
      const oldest = this.facts.keys().next().value;
      if (oldest !== undefined) this.facts.delete(oldest);
    }
    return facts;
  }

  routes(text: string, expect: Expectation): boolean {
    return meets(this.of(text).plan, expect);
  }
}
