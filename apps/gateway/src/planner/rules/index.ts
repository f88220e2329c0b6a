// The offline rules planner: a prompt in Portuguese or English becomes one tool call, a request for the
// missing field, or "unknown" with examples. Pure and deterministic (time comes in as `now`), no I/O.
import type { Plan } from '../types.js';
import { draftArguments } from './arguments.js';
import { buildPlan, unknownPlan } from './build.js';
import { analyse } from './entities/index.js';
import { classify } from './intents.js';

export interface PlanOptions {
  /** Reference time for "hoje", "ontem", "últimos 7 dias" (read in UTC). Defaults to the current time. */
  now?: Date;
}

export function planPrompt(prompt: string, options: PlanOptions = {}): Plan {
  const text = typeof prompt === 'string' ? prompt : '';
  try {
    const analysis = analyse(text, options.now ?? new Date());
    const intent = classify(analysis);
    if (intent.tool === null) return unknownPlan(analysis.language, intent.unsupported);
    return buildPlan(intent.tool, draftArguments(intent.tool, analysis, intent.contentNoun), analysis.language);
  } catch {
    // The planner must answer every string; a bug here becomes "unknown", never a crashed prompt handler.
    return unknownPlan('pt');
  }
}

export { MAX_PROMPT_CHARS } from './normalize.js';
