// Chooses the planner from the configuration: PLANNER forces one (config.ts checks its key is set); otherwise an
// Anthropic key wins, then an OpenAI key, else the offline rules planner. Every LLM planner falls back to rules.
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createAnthropicPlanner } from './anthropic.js';
import { createOpenAiPlanner } from './openai.js';
import type { Planner } from './planner.js';
import { createRulesPlanner } from './rules-planner.js';

export interface SelectedPlanner {
  planner: Planner;
  /** For the start-up `defaults` log line. */
  describe: string;
}

/** The LLM provider in use (PLANNER, else whichever key is set, Anthropic first), or 'rules' for none. */
export function chooseLlm(llm: Config['llm']): 'anthropic' | 'openai' | 'rules' {
  const choice = llm.planner ?? (llm.anthropicKey ? 'anthropic' : llm.openaiKey ? 'openai' : 'rules');
  if (choice === 'anthropic' && llm.anthropicKey) return 'anthropic';
  if (choice === 'openai' && llm.openaiKey) return 'openai';
  return 'rules';
}

export function selectPlanner(llm: Config['llm'], logger: Logger): SelectedPlanner {
  const rules = createRulesPlanner();
  const choice = chooseLlm(llm);
  const common = { maxTurns: llm.maxTurns, maxTokens: llm.maxTokens, timeoutMs: llm.timeoutMs, fallback: rules };
  if (choice === 'anthropic' && llm.anthropicKey) {
    const planner = createAnthropicPlanner({
      ...common,
      apiKey: llm.anthropicKey,
      baseURL: llm.anthropicBaseUrl,
      model: llm.anthropicModel,
      logger: logger.child({ component: 'planner', planner: 'anthropic' }),
    });
    return { planner, describe: `planner: anthropic, model ${llm.anthropicModel}${via(llm.anthropicBaseUrl)}, rules as fallback` };
  }
  if (choice === 'openai' && llm.openaiKey) {
    const planner = createOpenAiPlanner({
      ...common,
      apiKey: llm.openaiKey,
      baseURL: llm.openaiBaseUrl,
      model: llm.openaiModel,
      logger: logger.child({ component: 'planner', planner: 'openai' }),
    });
    return { planner, describe: `planner: openai, model ${llm.openaiModel}${via(llm.openaiBaseUrl)}, rules as fallback` };
  }
  return {
    planner: rules,
    describe: llm.planner === 'rules' ? 'planner: rules, offline (PLANNER=rules)' : 'planner: rules, offline (no ANTHROPIC_API_KEY / OPENAI_API_KEY)',
  };
}

function via(baseUrl: string | undefined): string {
  return baseUrl ? ` via ${baseUrl}` : '';
}
