// The gateway talks to every planner through this interface: given a prompt and the tool runner, produce an
// outcome (a tool answered, more input is needed, or the intent is unknown). Rules plans once and calls one tool;
// LLM planners run a bounded tool-use loop behind the same method.
import type { CallerMeta } from '@leadlovers/tools';
import type { ConversationMessage } from '../store/conversation.js';
import type { GatewayError } from '../shared/errors.js';
import type { ToolCallResult, ToolRunner } from '../mcp/types.js';
import type { Language } from './types.js';

export interface PlannerProgress {
  stage: 'planned' | 'tool-started' | 'tool-progress' | 'chunk';
  tool?: string;
  message?: string;
  chunk?: string;
}

export interface PlannerInput {
  prompt: string;
  caller: CallerMeta;
  signal?: AbortSignal;
  onProgress(progress: PlannerProgress): void;
  /** send-prompt's conversationId: the conversation decorator (conversation.ts) loads and extends its history. */
  conversationId?: string;
  /** Earlier turns of this conversation, oldest first. LLM planners send them as prior messages; rules ignores them. */
  history?: readonly ConversationMessage[];
}

/**
 * Every outcome says how long the planner spent deciding (tool calls excluded), for the planner metric.
 * `plannerLabel` overrides `metadata.planner`, e.g. 'rules (fallback: anthropic unavailable)' when an LLM planner
 * handed the prompt to the rules planner.
 */
export type PlannerOutcome = PlannerDecision & { planningMs: number; plannerLabel?: string };

export type PlannerDecision =
  | {
      kind: 'answered';
      tool: string;
      arguments: Record<string, unknown>;
      result: ToolCallResult;
      language: Language;
      model?: string;
      /** The LLM's final text; without it the response message is the summary of the tool's data. */
      message?: string;
    }
  /** An LLM answered in words without calling any tool (a greeting, a question back): a success with no tool. */
  | { kind: 'replied'; message: string; language: Language; model?: string }
  | { kind: 'needs-input'; tool: string; missing: string[]; arguments: Record<string, unknown>; message: string; language: Language }
  | { kind: 'unknown'; message: string; examples: string[]; language: Language }
  /** The pool could not run the tool (BUSY, TIMEOUT, TOOL_UNAVAILABLE): the tool is known, the answer is not. */
  | { kind: 'failed'; tool: string; error: GatewayError; language: Language };

export interface Planner {
  readonly name: 'rules' | 'anthropic' | 'openai';
  run(input: PlannerInput, tools: ToolRunner): Promise<PlannerOutcome>;
}
