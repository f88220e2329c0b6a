// create_email_content over stdio with a client that declares sampling: the real server asks the client's LLM
// (scripted here) for the email, uses a good answer, and falls back to the templates on garbage or an error.
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, ok, startServer, type RunningServer } from './helpers.js';

interface Email { subject: string; preheader: string; html: string; text: string; model: string }

const temp = makeTempDir();
const requests: CreateMessageRequest['params'][] = [];
let next: () => Promise<CreateMessageResult>;
let sampling: RunningServer;
let plain: RunningServer;

beforeAll(async () => {
  sampling = await startServer({
    dbPath: path.join(temp.dir, 'a.sqlite'),
    sampling: (params) => {
      requests.push(params);
      return next();
    },
  });
  plain = await startServer({ dbPath: path.join(temp.dir, 'b.sqlite') });
});
afterAll(async () => {
  await Promise.all([sampling?.close(), plain?.close()]);
  temp.remove();
});
beforeEach(() => {
  requests.length = 0;
});

const reply = (text: string): Promise<CreateMessageResult> =>
  Promise.resolve({ role: 'assistant', content: { type: 'text', text }, model: 'scripted-llm-1', stopReason: 'endTurn' });

describe('create_email_content with sampling', () => {
  it("writes the email with the client's LLM and reports its model", async () => {
    next = () =>
      reply('```json\n' + JSON.stringify({ subject: 'Black Friday: metade do preço', preheader: 'Só até domingo', html: '<h1>50% OFF</h1><p onclick="x()">Aproveite</p><script>steal()</script>' }) + '\n```');
    const result = await sampling.call('create_email_content', { topic: 'Black Friday', discount: '50%' });
    const email = ok<Email>(result);
    expect(email).toEqual({
      subject: 'Black Friday: metade do preço',
      preheader: 'Só até domingo',
      html: '<h1>50% OFF</h1><p>Aproveite</p>',
      text: '50% OFF\n\nAproveite',
      model: 'scripted-llm-1',
    });
    expect(result.content).toContainEqual({ type: 'text', text: 'Email written: "Black Friday: metade do preço".' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ maxTokens: expect.any(Number), systemPrompt: expect.stringContaining('pt-BR') });
  });

  it('falls back to the templates on a garbage answer, and says so', async () => {
    next = () => reply('Sorry, I would rather write a poem.');
    const result = await sampling.call('create_email_content', { topic: 'Black Friday', discount: '50%', language: 'en' });
    expect(ok<Email>(result)).toMatchObject({ model: 'template', subject: expect.stringMatching(/Black Friday/) });
    expect(JSON.stringify(result.content)).toMatch(/fallback to the templates: .*scripted-llm-1.*no JSON object/);
    expect(requests[0]?.systemPrompt).toMatch(/English/);
  });

  it('falls back to the templates when the client answers with an error', async () => {
    next = () => Promise.reject(new Error('LLM overloaded'));
    const result = await sampling.call('create_email_content', { topic: 'Black Friday' });
    expect(ok<Email>(result).model).toBe('template');
    expect(JSON.stringify(result.content)).toMatch(/LLM overloaded/);
  });

  it('uses the templates, without asking, when the client did not declare sampling', async () => {
    const result = await plain.call('create_email_content', { topic: 'Black Friday', discount: '50%' });
    expect(ok<Email>(result).model).toBe('template');
    expect(JSON.stringify(result.content)).not.toMatch(/fallback/);
  });
});
