// The offline planner: a deterministic parse of the prompt (rules/) into one tool call, run on the pool.
import { GatewayError } from '../shared/errors.js';
import type { ToolRunner } from '../mcp/types.js';
import type { Planner, PlannerInput, PlannerOutcome } from './planner.js';
import { planPrompt } from './rules/index.js';

export function createRulesPlanner(now: () => Date = () => new Date()): Planner {
  return {
    name: 'rules',
    async run(input: PlannerInput, tools: ToolRunner): Promise<PlannerOutcome> {
      const started = performance.now();
      const plan = planPrompt(input.prompt, { now: now() });
      const planningMs = performance.now() - started;
      if (plan.kind !== 'call') return { ...plan, planningMs };
      input.onProgress({ stage: 'planned', tool: plan.tool });
      input.onProgress({ stage: 'tool-started', tool: plan.tool });
      let result;
      try {
        result = await tools.callTool({
          name: plan.tool,
          arguments: plan.arguments,
          caller: input.caller,
          ...(input.signal ? { signal: input.signal } : {}),
          onProgress: ({ message }) => input.onProgress({ stage: 'tool-progress', tool: plan.tool, ...(message ? { message } : {}) }),
        });
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        return { kind: 'failed', tool: plan.tool, error: err, language: plan.language, planningMs };
      }
      return { kind: 'answered', tool: plan.tool, arguments: plan.arguments, result, language: plan.language, planningMs };
    },
  };
}
