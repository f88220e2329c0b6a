// Answers the MCP server's sampling/createMessage (create_email_content asks its client's LLM to write the email)
// with the gateway's configured LLM: one non-streamed Anthropic Messages or OpenAI Chat Completions call, text
// content only, maxTokens capped by LLM_MAX_TOKENS. No LLM configured: no sampler, so the pool declares no sampling.
import Anthropic from '@anthropic-ai/sdk';
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import OpenAI from 'openai';
import type { Config } from '../config/config.js';
import type { Sampler } from '../mcp/pool/api.js';
import { chooseLlm } from './select.js';

type SamplingParams = CreateMessageRequest['params'];

export interface SelectedSampler {
  sampler: Sampler;
  /** For the start-up `defaults` log line. */
  describe: string;
}

export function selectSampler(llm: Config['llm']): SelectedSampler | undefined {
  const choice = chooseLlm(llm);
  const common = { maxTokens: llm.maxTokens, timeoutMs: llm.timeoutMs };
  if (choice === 'anthropic' && llm.anthropicKey) {
    const sampler = withoutKeyInErrors(createAnthropicSampler({ ...common, apiKey: llm.anthropicKey, baseURL: llm.anthropicBaseUrl, model: llm.anthropicModel }), llm.anthropicKey);
    return { sampler, describe: `mcp sampling: on, create_email_content writes with anthropic ${llm.anthropicModel}` };
  }
  if (choice === 'openai' && llm.openaiKey) {
    const sampler = withoutKeyInErrors(createOpenAiSampler({ ...common, apiKey: llm.openaiKey, baseURL: llm.openaiBaseUrl, model: llm.openaiModel }), llm.openaiKey);
    return { sampler, describe: `mcp sampling: on, create_email_content writes with openai ${llm.openaiModel}` };
  }
  return undefined;
}

/**
 * A provider may echo the key back in its error body, which the SDK puts in the error's message and fields; the
 * pool logs the error and passes its message on to the MCP child (whose stderr is logged too). So a failed call
 * rethrows a plain error with the key blanked out, keeping only the message and the HTTP status.
 */
function withoutKeyInErrors(sampler: Sampler, apiKey: string): Sampler {
  return async (params, signal) => {
    try {
      return await sampler(params, signal);
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).split(apiKey).join('***');
      const status = (err as { status?: unknown } | null)?.status;
      throw Object.assign(new Error(message), typeof status === 'number' ? { status } : {});
    }
  };
}

export interface SamplerOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  /** Upper bound on the server's maxTokens. */
  maxTokens: number;
  timeoutMs: number;
}

/** A sampling message's text (single block or array); images and audio are not forwarded. */
interface TextTurn {
  role: 'user' | 'assistant';
  text: string;
}

function textTurns(params: SamplingParams): TextTurn[] {
  const turns = params.messages.flatMap((message) => {
    const blocks = Array.isArray(message.content) ? message.content : [message.content];
    const text = blocks.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
    return text ? [{ role: message.role, text }] : [];
  });
  if (turns.length === 0) throw new Error('the sampling request has no text message');
  return turns;
}

function cappedTokens(params: SamplingParams, cap: number): number {
  return Math.max(1, Math.min(params.maxTokens, cap));
}

const ANTHROPIC_STOP: Record<string, string> = { end_turn: 'endTurn', max_tokens: 'maxTokens', stop_sequence: 'stopSequence' };

export function createAnthropicSampler(options: SamplerOptions): Sampler {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 1,
    timeout: options.timeoutMs,
  });
  return async (params, signal): Promise<CreateMessageResult> => {
    const message = await client.messages.create(
      {
        model: options.model,
        max_tokens: cappedTokens(params, options.maxTokens),
        messages: textTurns(params).map((turn) => ({ role: turn.role, content: turn.text })),
        ...(params.systemPrompt ? { system: params.systemPrompt } : {}),
        ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
        ...(params.stopSequences?.length ? { stop_sequences: params.stopSequences } : {}),
      },
      { signal },
    );
    if (!Array.isArray(message.content)) throw new Error('malformed Messages API response: no content');
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    const stopReason = message.stop_reason ? (ANTHROPIC_STOP[message.stop_reason] ?? message.stop_reason) : undefined;
    return { role: 'assistant', content: { type: 'text', text }, model: message.model, ...(stopReason ? { stopReason } : {}) };
  };
}

const OPENAI_STOP: Record<string, string> = { stop: 'endTurn', length: 'maxTokens' };

export function createOpenAiSampler(options: SamplerOptions): Sampler {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 1,
    timeout: options.timeoutMs,
  });
  return async (params, signal): Promise<CreateMessageResult> => {
    const completion = await client.chat.completions.create(
      {
        model: options.model,
        max_completion_tokens: cappedTokens(params, options.maxTokens),
        messages: [
          ...(params.systemPrompt ? [{ role: 'system' as const, content: params.systemPrompt }] : []),
          ...textTurns(params).map((turn) => ({ role: turn.role, content: turn.text })),
        ],
        ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
        ...(params.stopSequences?.length ? { stop: params.stopSequences } : {}),
      },
      { signal },
    );
    const choice = completion.choices?.[0];
    if (!choice) throw new Error('malformed Chat Completions response: no choices');
    const stopReason = choice.finish_reason ? (OPENAI_STOP[choice.finish_reason] ?? choice.finish_reason) : undefined;
    return {
      role: 'assistant',
      content: { type: 'text', text: choice.message.content ?? '' },
      model: completion.model,
      ...(stopReason ? { stopReason } : {}),
    };
  };
}
