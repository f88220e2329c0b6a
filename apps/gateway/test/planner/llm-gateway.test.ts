// send-prompt end to end with the Anthropic planner: the fake Messages API chooses the tool, the real MCP child
// answers it, and the response carries the planner, the model and the tool's data; a conversation's second prompt
// carries the first; an LLM outage falls back to the rules planner and says so.
import type { PromptProgress, PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { FAKE_MODEL, startFakeLlm, type FakeLlm } from '../fixtures/fake-llm.js';

describe('gateway with the anthropic planner', () => {
  let llm: FakeLlm;
  let gw: TestGateway;
  let socket: Client;
  const progress: PromptProgress[] = [];
  beforeAll(async () => {
    llm = await startFakeLlm();
    gw = await startGateway({ ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: llm.anthropicUrl, PROMPT_RATE_PER_MINUTE: '10000' });
    socket = await gw.connect('llm-user', { account: 'llm-account' });
    socket.on('prompt-progress', (event) => progress.push(event));
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
  });

  const send = (prompt: string, requestId: string, conversationId?: string): Promise<PromptResponse> =>
    socket.timeout(20_000).emitWithAck('send-prompt', { prompt, requestId, progress: true, ...(conversationId ? { conversationId } : {}) });

  it('says at start-up which planner and model it uses', () => {
    expect(gw.deps.defaults).toContain(`planner: anthropic, model claude-sonnet-4-6 via ${llm.anthropicUrl}, rules as fallback`);
  });

  it('answers through the LLM and the real MCP child, with planner and model in the metadata', async () => {
    llm.script([
      { reply: { calls: [{ name: 'get_machine_details', input: { machineCode: 12345 } }] } },
      { reply: { text: ['A máquina 12345 ', 'tem sequências.'] } },
    ]);
    const response = await send('me fale da máquina 12345', 'llm-1', 'conv-1');
    expect(response, JSON.stringify(response)).toMatchObject({
      isSuccess: true,
      tool: 'get_machine_details',
      message: 'A máquina 12345 tem sequências.',
      metadata: { planner: 'anthropic', model: FAKE_MODEL.anthropic },
      data: { machine: { MachineCode: 12345 } },
    });
    expect(progress.filter((p) => p.requestId === 'llm-1').map((p) => p.stage)).toEqual(['planned', 'tool-started', 'chunk', 'chunk']);
    // The MCP tool list reached the model with its JSON schemas.
    const tools = llm.requests[0]!.body.tools as Array<{ name: string; input_schema: { type: string } }>;
    expect(tools.map((t) => t.name)).toContain('get_machine_details');
    expect(tools.every((t) => t.input_schema.type === 'object')).toBe(true);
  });

  it("sends a conversation's earlier turns with its next prompt", async () => {
    llm.requests.length = 0;
    llm.script([{ reply: { text: ['Ela se chama Demo.'] } }]);
    const response = await send('qual o nome dela?', 'llm-2', 'conv-1');
    expect(response).toMatchObject({ isSuccess: true, message: 'Ela se chama Demo.', metadata: { planner: 'anthropic' } });
    expect(response.tool).toBeUndefined();
    const messages = llm.requests[0]!.body.messages;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]!.content).toBe('me fale da máquina 12345');
    expect(String(messages[1]!.content)).toContain('A máquina 12345 tem sequências.');
  });

  it('falls back to the rules planner when the LLM is down', async () => {
    llm.script([
      { status: 500, headers: { 'retry-after': '0' } },
      { status: 500, headers: { 'retry-after': '0' } },
    ]);
    const response = await send('Liste todas as máquinas disponíveis', 'llm-3');
    expect(response, JSON.stringify(response)).toMatchObject({
      isSuccess: true,
      tool: 'get_machines',
      metadata: { planner: 'rules (fallback: anthropic unavailable)' },
    });
    expect(gw.logs.some((line) => line.msg?.includes('falling back to the rules planner'))).toBe(true);
  });
});
