// The samplers that answer the MCP server's sampling/createMessage, against the fake Anthropic and OpenAI APIs:
// text-only messages, the system prompt, maxTokens capped by LLM_MAX_TOKENS, the model and stop reason back.
import type { CreateMessageRequest } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicSampler, createOpenAiSampler, selectSampler } from '../../src/planner/sampling.js';
import { loadConfig } from '../../src/config/config.js';
import { FAKE_MODEL, startFakeLlm, type FakeLlm } from '../fixtures/fake-llm.js';

const params: CreateMessageRequest['params'] = {
  systemPrompt: 'Write emails as JSON.',
  maxTokens: 5_000,
  messages: [
    { role: 'user', content: { type: 'text', text: 'Topic: Black Friday' } },
    { role: 'assistant', content: [{ type: 'text', text: 'Which discount?' }, { type: 'image', data: 'AA==', mimeType: 'image/png' }] },
    { role: 'user', content: { type: 'text', text: '50%' } },
  ],
};

describe('samplers', () => {
  let llm: FakeLlm;
  beforeAll(async () => {
    llm = await startFakeLlm();
  });
  afterAll(() => llm.close());
  beforeEach(() => {
    llm.requests.length = 0;
  });
  const signal = () => AbortSignal.timeout(5_000);

  it('anthropic: one Messages call with the text turns, system prompt and capped max_tokens', async () => {
    const sample = createAnthropicSampler({ apiKey: 'test', baseURL: llm.anthropicUrl, model: 'claude-x', maxTokens: 1_024, timeoutMs: 5_000 });
    llm.script([{ reply: { text: ['{"subject":"Oi"}'] } }]);
    const result = await sample(params, signal());
    expect(result).toEqual({ role: 'assistant', content: { type: 'text', text: '{"subject":"Oi"}' }, model: FAKE_MODEL.anthropic, stopReason: 'endTurn' });
    const body = llm.requests[0]!.body;
    expect(body).toMatchObject({ model: 'claude-x', max_tokens: 1_024, system: 'Write emails as JSON.' });
    expect(body.stream).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.messages).toEqual([
      { role: 'user', content: 'Topic: Black Friday' },
      { role: 'assistant', content: 'Which discount?' },
      { role: 'user', content: '50%' },
    ]);
  });

  it('openai: one Chat Completions call with the system prompt first and capped max_completion_tokens', async () => {
    const sample = createOpenAiSampler({ apiKey: 'test', baseURL: llm.openaiUrl, model: 'gpt-x', maxTokens: 800, timeoutMs: 5_000 });
    llm.script([{ reply: { text: ['{"subject":"Oi"}'] } }]);
    const result = await sample({ ...params, maxTokens: 300 }, signal());
    expect(result).toEqual({ role: 'assistant', content: { type: 'text', text: '{"subject":"Oi"}' }, model: FAKE_MODEL.openai, stopReason: 'endTurn' });
    const body = llm.requests[0]!.body;
    expect(body).toMatchObject({ model: 'gpt-x', max_completion_tokens: 300 });
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('rejects on an API error, so the pool answers the MCP server with an error', async () => {
    const sample = createAnthropicSampler({ apiKey: 'test', baseURL: llm.anthropicUrl, model: 'claude-x', maxTokens: 1_024, timeoutMs: 5_000 });
    llm.script([{ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'nope' } } }]);
    await expect(sample(params, signal())).rejects.toThrow(/nope/);
  });

  it('is chosen like the planner: none without a key or with PLANNER=rules', () => {
    const base = { NODE_ENV: 'test', API_SECRET: 'x'.repeat(40) };
    expect(selectSampler(loadConfig(base).llm)).toBeUndefined();
    expect(selectSampler(loadConfig({ ...base, ANTHROPIC_API_KEY: 'k', PLANNER: 'rules' }).llm)).toBeUndefined();
    expect(selectSampler(loadConfig({ ...base, OPENAI_API_KEY: 'k' }).llm)?.describe).toMatch(/openai/);
    expect(selectSampler(loadConfig({ ...base, ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k' }).llm)?.describe).toMatch(/anthropic/);
  });
});
