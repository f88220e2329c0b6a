// The OpenAI planner: the Chat Completions tool-use loop (function tool_calls → MCP call → role: tool) over the
// MCP tool list, streamed so text arrives as `chunk` progress and tool-call arguments are assembled from deltas.
// The loop, validation and fallback live in llm-loop.ts.
import OpenAI from 'openai';
import type { ToolInfo } from '../mcp/types.js';
import { createLlmPlanner, type LlmProviderOptions, type LlmSession, type ModelToolCall, type ModelTurn } from './llm-loop.js';
import { LlmUnavailableError, SYSTEM_PROMPT } from './llm-tools.js';
import type { Planner, PlannerInput } from './planner.js';

export type OpenAiPlannerOptions = LlmProviderOptions;

export function createOpenAiPlanner(options: OpenAiPlannerOptions): Planner {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 1,
    timeout: options.timeoutMs,
  });
  return createLlmPlanner({
    name: 'openai',
    maxTurns: options.maxTurns,
    timeoutMs: options.timeoutMs,
    fallback: options.fallback,
    logger: options.logger,
    apiKey: options.apiKey,
    startSession: (input, tools) => openAiSession(client, options, input, tools),
  });
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
}

function openAiSession(client: OpenAI, options: OpenAiPlannerOptions, input: PlannerInput, tools: ToolInfo[]): LlmSession {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    ...(input.history ?? []).map((message) => ({ role: message.role, content: message.content })),
    { role: 'user', content: input.prompt },
  ];
  const toolParams: OpenAI.ChatCompletionTool[] = tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description ?? tool.title ?? tool.name, parameters: tool.inputSchema },
  }));

  return {
    async turn(onChunk, signal): Promise<ModelTurn> {
      const stream = await client.chat.completions.create(
        { model: options.model, messages, tools: toolParams, max_completion_tokens: options.maxTokens, stream: true },
        { signal },
      );
      let model = '';
      let text = '';
      let sawChoice = false;
      const pending: PendingCall[] = [];
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        sawChoice = true;
        const delta = choice.delta;
        if (delta?.content) {
          text += delta.content;
          onChunk(delta.content);
        }
        for (const part of delta?.tool_calls ?? []) {
          const call = (pending[part.index] ??= { id: '', name: '', arguments: '' });
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
        }
      }
      if (!sawChoice) throw new LlmUnavailableError('malformed Chat Completions stream: no choices');
      const calls = pending.filter((call): call is PendingCall => Boolean(call));
      messages.push({
        role: 'assistant',
        content: text || null,
        ...(calls.length
          ? { tool_calls: calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      });
      return { model, text, toolCalls: calls.map(readArguments) };
    },
    answer(results) {
      for (const result of results) {
        // Chat Completions has no is_error flag: the content says it.
        messages.push({ role: 'tool', tool_call_id: result.id, content: result.isError ? `Error: ${result.content}` : result.content });
      }
    },
  };
}

function readArguments(call: PendingCall): ModelToolCall {
  if (call.arguments.trim() === '') return { id: call.id, name: call.name, input: {} };
  try {
    return { id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { id: call.id, name: call.name, input: undefined, parseError: `The arguments of ${call.name} are not valid JSON (${reason}); send them again as one JSON object.` };
  }
}
