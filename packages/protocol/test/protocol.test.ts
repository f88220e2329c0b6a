import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MAX_PROMPT_LENGTH, PromptResponseSchema, SendPromptSchema, CallToolSchema, isErrorCode } from '../src/index.js';

describe('wire schemas', () => {
  it('accepts a well-formed send-prompt and trims the prompt', () => {
    expect(SendPromptSchema.parse({ prompt: '  Liste as máquinas ', requestId: 'abc-1' })).toEqual({ prompt: 'Liste as máquinas', requestId: 'abc-1' });
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['an array', ['prompt']],
    ['no prompt', {}],
    ['an empty prompt', { prompt: '   ' }],
    ['a too long prompt', { prompt: 'x'.repeat(MAX_PROMPT_LENGTH + 1) }],
    ['a number prompt', { prompt: 42 }],
    ['an extra field', { prompt: 'ok', admin: true }],
    ['a bad requestId', { prompt: 'ok', requestId: 'has spaces' }],
    ['a long requestId', { prompt: 'ok', requestId: 'x'.repeat(65) }],
    ['binary prompt', { prompt: Buffer.from('hi') }],
  ])('rejects %s', (_label, payload) => {
    expect(SendPromptSchema.safeParse(payload).success).toBe(false);
  });

  it('defaults call-tool arguments and rejects non-object arguments', () => {
    expect(CallToolSchema.parse({ tool: 'get_machines' })).toEqual({ tool: 'get_machines', arguments: {} });
    expect(CallToolSchema.safeParse({ tool: 'get_machines', arguments: [1] }).success).toBe(false);
  });

  it("keeps the seed's prompt-response shape with requestId and code", () => {
    const parsed = PromptResponseSchema.parse({
      isSuccess: false,
      error: 'x',
      message: 'y',
      tool: 'get_leads',
      metadata: { executionTime: 3, model: 'template' },
      requestId: 'r1',
      code: 'TOOL_FAILED',
    });
    expect(parsed.code).toBe('TOOL_FAILED');
    expect(PromptResponseSchema.safeParse({ isSuccess: true, metadata: { executionTime: 1 }, requestId: 'r', code: 'NOPE' }).success).toBe(false);
  });

  it('has a closed set of error codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(isErrorCode('BUSY')).toBe(true);
    expect(isErrorCode('busy')).toBe(false);
  });
});
