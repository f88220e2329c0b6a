// The Anthropic planner: the Messages API tool-use loop (tool_use → MCP call → tool_result) over the MCP tool
// list, streamed so text arrives as `chunk` progress. The loop, validation and fallback live in llm-loop.ts.
import Anthropic from '@anthropic-ai/sdk';
import type { ToolInfo } from '../mcp/types.js';
import { createLlmPlanner, type LlmProviderOptions, type LlmSession, type ModelToolCall, type ModelTurn } from './llm-loop.js';
import { LlmUnavailableError, SYSTEM_PROMPT } from './llm-tools.js';
import type { Planner, PlannerInput } from './planner.js';

export type AnthropicPlannerOptions = LlmProviderOptions;

export function createAnthropicPlanner(options: AnthropicPlannerOptions): Planner {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 1,
    timeout: options.timeoutMs,
  });
  return createLlmPlanner({
    name: 'anthropic',
    maxTurns: options.maxTurns,
    timeoutMs: options.timeoutMs,
    fallback: options.fallback,
    logger: options.logger,
    apiKey: options.apiKey,
    startSession: (input, tools) => anthropicSession(client, options, input, tools),
  });
}

function anthropicSession(client: Anthropic, options: AnthropicPlannerOptions, input: PlannerInput, tools: ToolInfo[]): LlmSession {
  const messages: Anthropic.MessageParam[] = [
    ...(input.history ?? []).map((message) => ({ role: message.role, content: message.content })),
    { role: 'user', content: input.prompt },
  ];
  const toolParams: Anthropic.Tool[] = tools.map((tool) => ({
    name: tool.name,
    description: tool.description ?? tool.title ?? tool.name,
    input_schema: { ...tool.inputSchema, type: 'object' },
  }));

  return {
    async turn(onChunk, signal): Promise<ModelTurn> {
      const stream = client.messages.stream(
        { model: options.model, max_tokens: options.maxTokens, system: SYSTEM_PROMPT, messages, tools: toolParams },
        { signal },
      );
      stream.on('text', (delta) => onChunk(delta));
      const message = await stream.finalMessage();
      if (!Array.isArray(message.content)) throw new LlmUnavailableError('malformed Messages API response: no content');
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      const toolCalls: ModelToolCall[] = [];
      // The SDK parses a tool_use block's streamed JSON lazily, when `input` is read; bad JSON goes back to the model.
      const content = message.content.map((block) => {
        if (block.type !== 'tool_use') return block;
        try {
          const input: unknown = block.input;
          toolCalls.push({ id: block.id, name: block.name, input });
          return { ...block, input };
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          toolCalls.push({ id: block.id, name: block.name, input: undefined, parseError: `The input of ${block.name} is not valid JSON (${reason}).` });
          return { ...block, input: {} };
        }
      });
      messages.push({ role: 'assistant', content });
      if (message.stop_reason !== 'tool_use') {
        // Only a turn that stopped for tool use expects tool results; end_turn or max_tokens ends the loop.
        return { model: message.model, text, toolCalls: [] };
      }
      if (toolCalls.length === 0) throw new LlmUnavailableError('malformed Messages API response: tool_use without a tool_use block');
      return { model: message.model, text, toolCalls };
    },
    answer(results) {
      messages.push({
        role: 'user',
        content: results.map((result) => ({
          type: 'tool_result' as const,
          tool_use_id: result.id,
          content: result.content,
          ...(result.isError ? { is_error: true } : {}),
        })),
      });
    },
  };
}
