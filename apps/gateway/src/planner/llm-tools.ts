// What both LLM tool-use loops share: the system prompt, checking a model's tool call against the tool's own
// schema before it reaches MCP, and turning a tool's answer into the text the model reads back.
import { isToolName, toolInputSchema, type CallerMeta } from '@leadlovers/tools';
import type { ToolCallResult, ToolRunner } from '../mcp/types.js';
import { describeZodError } from '../shared/validation.js';

export const SYSTEM_PROMPT = [
  'You are the assistant of LeadLovers, a Brazilian email-marketing and sales-funnel platform.',
  'Users manage leads (contacts with email, name, phone, score), machines (funnels), email sequences and levels.',
  'Use the tools to read or change their data; never invent data a tool did not return.',
  'When a required value (such as the email) is missing and cannot be inferred from the conversation, ask for it.',
  'Answer briefly, in the language of the user (usually Brazilian Portuguese, sometimes English).',
].join('\n');

/** The outcome of one tool call the model asked for: what the model reads back, and whether the tool ran. */
export interface ToolTurn {
  /** Text for tool_result / role: tool content. */
  content: string;
  isError: boolean;
  /** Set when the call reached the tool runner (validation and unknown names do not). */
  ran?: { tool: string; arguments: Record<string, unknown>; result: ToolCallResult };
}

/**
 * Validates a model's call and runs it. Unknown tools and arguments that fail the tool's schema come back as an
 * error for the model to correct; failures of the pool (BUSY, TIMEOUT, TOOL_UNAVAILABLE) are thrown as GatewayError.
 */
export async function runModelToolCall(
  tools: ToolRunner,
  call: { name: string; input: unknown },
  caller: CallerMeta,
  signal: AbortSignal | undefined,
  onStart: () => void,
): Promise<ToolTurn> {
  if (!isToolName(call.name)) return { content: `Unknown tool "${call.name}". Use one of the tools provided.`, isError: true };
  const parsed = toolInputSchema(call.name).safeParse(call.input ?? {});
  if (!parsed.success) {
    return { content: `Invalid arguments for ${call.name}: ${describeZodError(parsed.error)}`, isError: true };
  }
  const args = parsed.data as Record<string, unknown>;
  onStart();
  const result = await tools.callTool({ name: call.name, arguments: args, caller, ...(signal ? { signal } : {}) });
  const ran = { tool: call.name, arguments: args, result };
  if (!result.ok) return { content: JSON.stringify({ error: result.code, message: result.message, field: result.field }), isError: true, ran };
  return { content: JSON.stringify(result.data ?? null), isError: false, ran };
}

/** The LLM could not be used for this prompt (API down, rate limited, timed out, refused the key, gave no answer). */
export class LlmUnavailableError extends Error {
  override readonly name = 'LlmUnavailableError';
}
