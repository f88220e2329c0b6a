// create_email_content through the gateway with MCP sampling: with an LLM configured the pool's MCP client
// declares sampling, the real MCP child asks it for the email, and the fake LLM's subject and model come back;
// an LLM that fails, hangs or writes garbage leaves the templates; without an LLM the templates answer.
import type { PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callTool, startGateway, type Client, type TestGateway } from '../helpers/gateway.js';
import { FAKE_MODEL, startFakeLlm, type FakeLlm } from '../fixtures/fake-llm.js';

const EMAIL = { subject: 'Black Friday: 50% em tudo, só hoje', preheader: 'Corra!', html: '<h1>50% OFF</h1><p onclick="x()">Aproveite</p>' };
const ARGS = { topic: 'Black Friday', discount: '50%' };

interface Email { subject: string; preheader: string; html: string; text: string; model: string }
const emailOf = (response: PromptResponse): Email => response.data as Email;

describe.each([
  { provider: 'anthropic', env: (llm: FakeLlm) => ({ ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: llm.anthropicUrl }), model: FAKE_MODEL.anthropic, path: '/v1/messages' },
  { provider: 'openai', env: (llm: FakeLlm) => ({ OPENAI_API_KEY: 'test', OPENAI_BASE_URL: llm.openaiUrl }), model: FAKE_MODEL.openai, path: '/v1/chat/completions' },
])('create_email_content with MCP sampling through $provider', ({ env, model, path }) => {
  let llm: FakeLlm;
  let gw: TestGateway;
  let socket: Client;
  beforeAll(async () => {
    llm = await startFakeLlm();
    // A short call timeout keeps the hang test short: the server gives up on sampling at 1.5 s, the gateway before.
    gw = await startGateway({ ...env(llm), MCP_CALL_TIMEOUT_MS: '3000' });
    socket = await gw.connect('sampling-user', { account: 'sampling-account' });
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
  });
  beforeEach(() => {
    llm.requests.length = 0;
  });

  it('writes the email with the LLM and reports its model', async () => {
    llm.script([{ reply: { text: ['Aqui está:\n```json\n', JSON.stringify(EMAIL), '\n```'] } }]);
    const response = await callTool(socket, 'create_email_content', ARGS);
    expect(response, JSON.stringify(response)).toMatchObject({ isSuccess: true, metadata: { model } });
    expect(emailOf(response)).toMatchObject({ subject: EMAIL.subject, preheader: 'Corra!', html: '<h1>50% OFF</h1><p>Aproveite</p>', model });
    expect(llm.requests).toHaveLength(1);
    const request = llm.requests[0]!;
    expect(request.path).toBe(path);
    expect(JSON.stringify(request.body.messages)).toContain('Topic: Black Friday');
    expect(JSON.stringify(request.body)).toContain('pt-BR');
    // LLM_MAX_TOKENS (default 1024) caps the server's maxTokens.
    expect(request.body.max_tokens ?? request.body.max_completion_tokens).toBe(1_024);
  });

  it('falls back to the templates when the LLM writes garbage', async () => {
    llm.script([{ reply: { text: ['I would rather not.'] } }]);
    const response = await callTool(socket, 'create_email_content', ARGS);
    expect(response).toMatchObject({ isSuccess: true, metadata: { model: 'template' } });
    expect(emailOf(response).subject).toMatch(/Black Friday/);
  });

  it('falls back to the templates when the LLM fails', async () => {
    llm.script([
      { status: 500, body: { error: { message: 'down' } } },
      { status: 500, body: { error: { message: 'down' } } },
    ]);
    const response = await callTool(socket, 'create_email_content', ARGS);
    expect(response).toMatchObject({ isSuccess: true, metadata: { model: 'template' } });
  });

  it('falls back to the templates, within the call timeout, when the LLM hangs', async () => {
    llm.script([{ hang: true }]);
    const started = Date.now();
    const response = await callTool(socket, 'create_email_content', ARGS);
    expect(response).toMatchObject({ isSuccess: true, metadata: { model: 'template' } });
    expect(Date.now() - started).toBeLessThan(3_000);
    // The pool is still warm and sampling still works afterwards.
    llm.script([{ reply: { text: [JSON.stringify(EMAIL)] } }]);
    expect(await callTool(socket, 'create_email_content', ARGS)).toMatchObject({ metadata: { model } });
  });
});

describe('create_email_content without an LLM', () => {
  let llm: FakeLlm;
  let gw: TestGateway;
  beforeAll(async () => {
    llm = await startFakeLlm();
    // A base URL but no key: no LLM is configured, so nothing may reach it.
    gw = await startGateway({ ANTHROPIC_BASE_URL: llm.anthropicUrl });
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
  });

  it('does not declare sampling: the templates write it', async () => {
    expect(gw.deps.defaults).toContain('mcp sampling: off, create_email_content writes from its templates (no LLM)');
    const socket = await gw.connect('plain-user', { account: 'plain-account' });
    const response = await callTool(socket, 'create_email_content', ARGS);
    expect(response).toMatchObject({ isSuccess: true, metadata: { model: 'template' } });
    expect(llm.requests).toHaveLength(0);
  });
});
