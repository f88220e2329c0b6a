// The provider-neutral tool-use loop behind the Anthropic and OpenAI planners: ask the model, run the tools it
// calls (validated first), send the results back, stop when it answers or after maxTurns. Whenever the LLM cannot
// be used (down, 429, timeout, bad key, malformed reply) the prompt goes to the fallback planner (rules) instead:
// the user is never failed because the LLM is.
import type { Logger } from 'pino';
import { GatewayError } from '../shared/errors.js';
import type { ToolInfo, ToolRunner } from '../mcp/types.js';
import type { Planner, PlannerInput, PlannerOutcome } from './planner.js';
import { LlmUnavailableError, runModelToolCall, type ToolTurn } from './llm-tools.js';
import { planPrompt } from './rules/index.js';

export interface ModelToolCall {
  id: string;
  name: string;
  input: unknown;
  /** The model's arguments could not be read (bad JSON): sent back as an error for the model to correct. */
  parseError?: string;
}

export interface ModelTurn {
  /** The model name the API reported. */
  model: string;
  text: string;
  /** Empty when the model is done (end_turn / stop). */
  toolCalls: ModelToolCall[];
}

/** One prompt's exchange with a provider; it keeps the message list between turns. */
export interface LlmSession {
  turn(onChunk: (chunk: string) => void, signal: AbortSignal): Promise<ModelTurn>;
  /** The results of the last turn's tool calls, in the same order. */
  answer(results: Array<{ id: string; content: string; isError: boolean }>): void;
}

/** What both provider planners (anthropic.ts, openai.ts) are configured with. */
export interface LlmProviderOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  maxTurns: number;
  maxTokens: number;
  timeoutMs: number;
  /** The SDK's own retries of 408/409/429/5xx and connection errors before the fallback takes over. */
  maxRetries?: number;
  fallback: Planner;
  logger: Logger;
}

export interface LlmPlannerOptions {
  name: 'anthropic' | 'openai';
  maxTurns: number;
  /** Bound on each model turn, streaming included (the SDK's own timeout stops at the response headers). */
  timeoutMs: number;
  fallback: Planner;
  logger: Logger;
  /** The provider key: blanked out of logged errors, since a provider may echo it back in its error body. */
  apiKey?: string;
  startSession(input: PlannerInput, tools: ToolInfo[]): LlmSession;
}

export function createLlmPlanner(options: LlmPlannerOptions): Planner {
  const { name, maxTurns, fallback, logger } = options;
  const describeError = (err: unknown) => describeProviderError(err, options.apiKey);

  return {
    name,
    async run(input: PlannerInput, tools: ToolRunner): Promise<PlannerOutcome> {
      const started = performance.now();
      let toolMs = 0;
      const planningMs = () => Math.max(0, performance.now() - started - toolMs);
      const language = planPrompt(input.prompt).language;
      let model: string | undefined;
      let last: ToolTurn['ran'];
      let current: string | undefined;
      const answered = (ran: NonNullable<ToolTurn['ran']>, message: string | undefined): PlannerOutcome => ({
        kind: 'answered',
        tool: ran.tool,
        arguments: ran.arguments,
        result: ran.result,
        language,
        planningMs: planningMs(),
        ...(model ? { model } : {}),
        ...(message ? { message } : {}),
      });

      try {
        const session = options.startSession(input, await tools.listTools());
        for (let turn = 1; turn <= maxTurns; turn += 1) {
          const signals = [AbortSignal.timeout(options.timeoutMs), ...(input.signal ? [input.signal] : [])];
          const reply = await session.turn((chunk) => input.onProgress({ stage: 'chunk', chunk }), AbortSignal.any(signals));
          model = reply.model || model;
          const text = reply.text.trim();
          if (reply.toolCalls.length === 0) {
            if (last) return answered(last, text);
            if (!text) throw new LlmUnavailableError('the model answered with neither text nor a tool call');
            return { kind: 'replied', message: text, language, planningMs: planningMs(), ...(model ? { model } : {}) };
          }
          input.onProgress({ stage: 'planned', tool: reply.toolCalls[0]?.name ?? '', message: reply.toolCalls.map((call) => call.name).join(', ') });
          const results = [];
          for (const call of reply.toolCalls) {
            if (call.parseError) {
              results.push({ id: call.id, content: call.parseError, isError: true });
              continue;
            }
            current = call.name;
            const toolStarted = performance.now();
            const outcome = await runModelToolCall(tools, call, input.caller, input.signal, () =>
              input.onProgress({ stage: 'tool-started', tool: call.name }),
            );
            toolMs += performance.now() - toolStarted;
            if (outcome.ran) last = outcome.ran;
            results.push({ id: call.id, content: outcome.content, isError: outcome.isError });
          }
          session.answer(results);
        }
        if (last) return answered(last, undefined);
        throw new LlmUnavailableError(`no answer within ${maxTurns} turns`);
      } catch (err) {
        if (input.signal?.aborted) throw err;
        if (err instanceof GatewayError) {
          // The pool could not run a tool the model chose: the same answer the rules planner gives.
          return { kind: 'failed', tool: current ?? 'none', error: err, language, planningMs: planningMs() };
        }
        if (last) {
          // A tool already ran (perhaps a write): answer with it rather than run the prompt again through rules.
          logger.warn({ err: describeError(err), planner: name }, 'LLM failed after a tool ran; answering with that tool');
          return answered(last, undefined);
        }
        logger.warn({ err: describeError(err), planner: name }, 'LLM planner unavailable; falling back to the rules planner');
        const outcome = await fallback.run(input, tools);
        return { ...outcome, plannerLabel: `${fallback.name} (fallback: ${name} unavailable)` };
      }
    },
  };
}

function describeProviderError(err: unknown, apiKey: string | undefined): Record<string, unknown> {
  const scrub = (text: string) => (apiKey ? text.split(apiKey).join('***') : text);
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const status = (err as { status?: unknown }).status;
  return { type: err.name, message: scrub(err.message), ...(typeof status === 'number' ? { status } : {}) };
}
