// The Anthropic and OpenAI planners against a local fake of each API, one suite for both: the tool-use loop,
// progress order, validation of the model's arguments, the turn bound, and the fallback to rules when the LLM fails.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.js';
import { createAnthropicPlanner } from '../../src/planner/anthropic.js';
import { withConversations } from '../../src/planner/conversation.js';
import { createOpenAiPlanner } from '../../src/planner/openai.js';
import type { Planner, PlannerInput, PlannerOutcome, PlannerProgress } from '../../src/planner/planner.js';
import { createRulesPlanner } from '../../src/planner/rules-planner.js';
import { MemoryConversationStore } from '../../src/store/conversation.js';
import { FAKE_MODEL, startFakeLlm, type FakeLlm, type RecordedRequest, type Step } from '../fixtures/fake-llm.js';
import { fakeTools, sinkLogger, type LogLine } from './fake-tools.js';

type Provider = 'anthropic' | 'openai';

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(() => llm.close());
afterEach(() => {
  llm.requests.length = 0;
  llm.script([]);
});

function planner(provider: Provider, options: { maxTurns?: number; timeoutMs?: number; maxRetries?: number; logs?: LogLine[] } = {}): Planner {
  const common = {
    apiKey: 'test-key',
    maxTurns: options.maxTurns ?? 4,
    maxTokens: 256,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRetries: options.maxRetries ?? 0,
    fallback: createRulesPlanner(),
    logger: sinkLogger(options.logs ?? []),
  };
  return provider === 'anthropic'
    ? createAnthropicPlanner({ ...common, baseURL: llm.anthropicUrl, model: 'claude-sonnet-4-6' })
    : createOpenAiPlanner({ ...common, baseURL: llm.openaiUrl, model: 'gpt-4o-mini' });
}

function input(prompt: string, progress: PlannerProgress[] = [], extra: Partial<PlannerInput> = {}): PlannerInput {
  return { prompt, caller: { account: 'acct-1', userId: 'user-1', requestId: 'req-1' }, onProgress: (p) => progress.push(p), ...extra };
}

/** The tool results the planner sent back in a request: [content, isError] pairs. */
function toolResults(provider: Provider, request: RecordedRequest | undefined): Array<[string, boolean]> {
  const messages = request?.body.messages ?? [];
  if (provider === 'openai') {
    return messages.filter((m) => m.role === 'tool').map((m) => [String(m.content), String(m.content).startsWith('Error:')]);
  }
  const last = messages.at(-1);
  const blocks = Array.isArray(last?.content) ? (last.content as Array<{ type: string; content: string; is_error?: boolean }>) : [];
  return blocks.filter((b) => b.type === 'tool_result').map((b) => [b.content, b.is_error === true]);
}

const reply = (text: string[], calls: Array<{ name: string; input?: unknown; rawArguments?: string }> = []): Step => ({ reply: { text, calls } });

describe.each<Provider>(['anthropic', 'openai'])('%s planner', (provider) => {
  it('runs one tool and answers with its data, the final text and the model name', async () => {
    const tools = fakeTools();
    llm.script([reply([], [{ name: 'get_machine_details', input: { machineCode: 12345 } }]), reply(['A máquina ', '12345 se chama Demo.'])]);
    const outcome = await planner(provider).run(input('detalhes da máquina 12345'), tools);
    expect(outcome).toMatchObject({
      kind: 'answered',
      tool: 'get_machine_details',
      arguments: { machineCode: 12345 },
      result: { ok: true, data: { tool: 'get_machine_details' } },
      model: FAKE_MODEL[provider],
      message: 'A máquina 12345 se chama Demo.',
      language: 'pt',
    });
    expect(outcome.plannerLabel).toBeUndefined();
    expect(tools.calls).toHaveLength(1);
    expect(tools.calls[0]).toMatchObject({ name: 'get_machine_details', caller: { account: 'acct-1', userId: 'user-1' } });
    expect(llm.requests).toHaveLength(2);
    const first = llm.requests[0]!;
    expect(first.body).toMatchObject({ stream: true });
    expect((first.body.tools as unknown[]).length).toBe(8);
    expect(JSON.stringify(first.headers)).toContain('test-key');
    const [result] = toolResults(provider, llm.requests[1]);
    expect(result?.[1]).toBe(false);
    expect(JSON.parse(result![0])).toEqual({ tool: 'get_machine_details', arguments: { machineCode: 12345 } });
  });

  it('reports progress in order: planned, tool-started, then the streamed text', async () => {
    const progress: PlannerProgress[] = [];
    llm.script([reply([], [{ name: 'get_machines', input: {} }]), reply(['Você tem ', 'uma máquina.'])]);
    await planner(provider).run(input('liste as máquinas', progress), fakeTools());
    expect(progress).toEqual([
      { stage: 'planned', tool: 'get_machines', message: 'get_machines' },
      { stage: 'tool-started', tool: 'get_machines' },
      { stage: 'chunk', chunk: 'Você tem ' },
      { stage: 'chunk', chunk: 'uma máquina.' },
    ]);
  });

  it('follows several turns and answers with the last tool', async () => {
    const tools = fakeTools();
    llm.script([
      reply(['Vou ver as máquinas.'], [{ name: 'get_machines', input: {} }]),
      reply([], [{ name: 'get_email_sequences', input: { machineCode: 12345 } }]),
      reply(['A máquina Demo tem sequências.']),
    ]);
    const outcome = await planner(provider).run(input('quais sequências tem minha primeira máquina?'), tools);
    expect(outcome).toMatchObject({ kind: 'answered', tool: 'get_email_sequences', message: 'A máquina Demo tem sequências.' });
    expect(tools.calls.map((c) => c.name)).toEqual(['get_machines', 'get_email_sequences']);
    expect(llm.requests).toHaveLength(3);
  });

  it('sends arguments that fail the tool schema back as an error, and runs the corrected call', async () => {
    const tools = fakeTools();
    llm.script([
      reply([], [{ name: 'get_machine_details', input: { machineCode: 'doze' } }]),
      reply([], [{ name: 'get_machine_details', input: { machineCode: 12345 } }]),
      reply(['Pronto.']),
    ]);
    const outcome = await planner(provider).run(input('detalhes da máquina doze'), tools);
    expect(outcome).toMatchObject({ kind: 'answered', tool: 'get_machine_details', arguments: { machineCode: 12345 } });
    expect(tools.calls).toHaveLength(1);
    const [error] = toolResults(provider, llm.requests[1]);
    expect(error?.[1]).toBe(true);
    expect(error?.[0]).toMatch(/Invalid arguments for get_machine_details.*machineCode/);
  });

  it('answers an unknown tool name with an error the model can read', async () => {
    const tools = fakeTools();
    llm.script([reply([], [{ name: 'send_sms', input: { to: '+55' } }]), reply(['I cannot send SMS; I can manage leads and machines.'])]);
    const outcome = await planner(provider).run(input('send an SMS to Ana'), tools);
    expect(outcome).toMatchObject({ kind: 'replied', message: 'I cannot send SMS; I can manage leads and machines.', model: FAKE_MODEL[provider], language: 'en' });
    expect(tools.calls).toHaveLength(0);
    const [error] = toolResults(provider, llm.requests[1]);
    expect(error).toEqual([expect.stringMatching(/Unknown tool "send_sms"/), true]);
  });

  it('replies without a tool when the model only talks', async () => {
    llm.script([reply(['Olá! ', 'Posso listar leads ou máquinas.'])]);
    const outcome = await planner(provider).run(input('oi'), fakeTools());
    expect(outcome).toMatchObject({ kind: 'replied', message: 'Olá! Posso listar leads ou máquinas.', model: FAKE_MODEL[provider] });
  });

  it('stops after maxTurns and answers with the last tool that ran', async () => {
    const tools = fakeTools();
    const again = reply([], [{ name: 'get_machines', input: {} }]);
    llm.script([again, again, again, again]);
    const outcome = await planner(provider, { maxTurns: 2 }).run(input('liste as máquinas'), tools);
    expect(outcome).toMatchObject({ kind: 'answered', tool: 'get_machines', model: FAKE_MODEL[provider] });
    expect(outcome.kind === 'answered' && outcome.message).toBeFalsy();
    expect(llm.requests).toHaveLength(2);
    expect(tools.calls).toHaveLength(2);
  });

  it('answers a pool failure as failed, without falling back', async () => {
    const tools = fakeTools();
    tools.failWith = new GatewayError('BUSY', 'queue full');
    llm.script([reply([], [{ name: 'get_machines', input: {} }])]);
    const outcome = await planner(provider).run(input('liste as máquinas'), tools);
    expect(outcome).toMatchObject({ kind: 'failed', tool: 'get_machines', error: { code: 'BUSY' } });
    expect(outcome.plannerLabel).toBeUndefined();
  });

  const failures: Array<[string, Step]> = [
    ['HTTP 500', { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } }],
    ['HTTP 429', { status: 429, headers: { 'retry-after': '0' }, body: { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } } }],
    ['HTTP 401', { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } }],
    ['a timeout', { hang: true }],
    ['a malformed response', { status: 200, body: { unexpected: true } }],
  ];
  it.each(failures)('falls back to the rules planner on %s, and says so', async (_name, step) => {
    const tools = fakeTools();
    const logs: LogLine[] = [];
    llm.script([step]);
    const outcome = await planner(provider, { timeoutMs: 300, logs }).run(input('Liste todas as máquinas disponíveis'), tools);
    expect(outcome).toMatchObject({ kind: 'answered', tool: 'get_machines', plannerLabel: `rules (fallback: ${provider} unavailable)` });
    expect(tools.calls.map((c) => c.name)).toEqual(['get_machines']);
    expect(logs.some((line) => line.msg?.includes('falling back to the rules planner'))).toBe(true);
  });

  it('answers with the tool that already ran when the LLM fails later, rather than running the prompt again', async () => {
    const tools = fakeTools();
    llm.script([reply([], [{ name: 'create_lead', input: { email: 'ana@example.com' } }]), { status: 500 }]);
    const outcome = await planner(provider).run(input('crie a lead ana@example.com'), tools);
    expect(outcome).toMatchObject({ kind: 'answered', tool: 'create_lead', model: FAKE_MODEL[provider] });
    expect(outcome.plannerLabel).toBeUndefined();
    expect(tools.calls.map((c) => c.name)).toEqual(['create_lead']);
  });

  it("retries a 5xx with the SDK's own retry before falling back", async () => {
    llm.script([{ status: 503, headers: { 'retry-after': '0' } }, reply(['Olá!'])]);
    const outcome = await planner(provider, { maxRetries: 1 }).run(input('oi'), fakeTools());
    expect(outcome).toMatchObject({ kind: 'replied', message: 'Olá!' });
    expect(llm.requests).toHaveLength(2);
  });

  it('sends the earlier turns of a conversation as prior messages', async () => {
    const store = new MemoryConversationStore(20);
    const conversational = withConversations(planner(provider), store, sinkLogger([]));
    const tools = fakeTools();
    llm.script([
      reply([], [{ name: 'create_lead', input: { email: 'ana@example.com', name: 'Ana' } }]),
      reply(['Criei a Ana.']),
      reply([], [{ name: 'update_lead', input: { email: 'ana@example.com', phone: '+5511999990000' } }]),
      reply(['Telefone atualizado.']),
    ]);
    await conversational.run(input('crie a lead Ana ana@example.com', [], { conversationId: 'c1' }), tools);
    const second = await conversational.run(input('e o telefone dela é +5511999990000', [], { conversationId: 'c1' }), tools);
    expect(second).toMatchObject({ kind: 'answered', tool: 'update_lead', message: 'Telefone atualizado.' });

    const sent = llm.requests[2]!.body.messages.filter((m) => m.role !== 'system');
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[0]!.content).toBe('crie a lead Ana ana@example.com');
    expect(String(sent[1]!.content)).toMatch(/Criei a Ana\.[\s\S]*create_lead[\s\S]*ana@example\.com/);
    expect(sent[2]!.content).toBe('e o telefone dela é +5511999990000');
    expect(await store.load('user-1', 'c1')).toHaveLength(4);
    // Another conversation, or another user, starts empty.
    expect(await store.load('user-2', 'c1')).toEqual([]);
  });
});

describe('openai planner, arguments that are not JSON', () => {
  it('sends the parse error back as a tool message, then runs the corrected call', async () => {
    const tools = fakeTools();
    llm.script([
      reply([], [{ name: 'get_machine_details', rawArguments: '{"machineCode": 12345' }]),
      reply([], [{ name: 'get_machine_details', input: { machineCode: 12345 } }]),
      reply(['Ok.']),
    ]);
    const outcome: PlannerOutcome = await planner('openai').run(input('detalhes da máquina 12345'), tools);
    expect(outcome).toMatchObject({ kind: 'answered', tool: 'get_machine_details' });
    expect(tools.calls).toHaveLength(1);
    const tool = llm.requests[1]!.body.messages.find((m) => m.role === 'tool');
    expect(tool).toMatchObject({ tool_call_id: expect.stringMatching(/^call_\d+_0$/), content: expect.stringMatching(/^Error: .*not valid JSON/) });
  });
});
