// Writing a tool result and reading it back: what the MCP server sends is exactly what a client gets out.
import { describe, expect, it } from 'vitest';
import { readToolResult, toolErrorResult, toolSuccessResult } from '../src/index.js';

describe('toolSuccessResult / toolErrorResult', () => {
  it('success: the output as structuredContent, its JSON and the summary as text; read back as the data alone', () => {
    const output = { machines: [], total: 0 };
    const result = toolSuccessResult(output, 'Found 0 of 0 machine(s).');
    expect(result).toEqual({
      content: [
        { type: 'text', text: JSON.stringify(output) },
        { type: 'text', text: 'Found 0 of 0 machine(s).' },
      ],
      structuredContent: output,
    });
    expect(readToolResult(result)).toEqual({ kind: 'result', result: { ok: true, data: output } });
  });

  it('failure: isError, the message as text and { code, message, field? }; read back with its code and field', () => {
    const result = toolErrorResult({ code: 'CONFLICT', message: 'A lead with this email exists', field: 'email' });
    expect(result).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'A lead with this email exists' }],
      structuredContent: { code: 'CONFLICT', message: 'A lead with this email exists', field: 'email' },
    });
    expect(readToolResult(result)).toEqual({ kind: 'result', result: { ok: false, code: 'CONFLICT', message: 'A lead with this email exists', field: 'email' } });
    expect(readToolResult(toolErrorResult({ code: 'FORBIDDEN', message: 'no' }))).toEqual({ kind: 'result', result: { ok: false, code: 'FORBIDDEN', message: 'no' } });
  });

  it('cuts a runaway message to 2000 characters', () => {
    const outcome = readToolResult(toolErrorResult({ code: 'BACKEND_ERROR', message: 'x'.repeat(5000) }));
    expect(outcome.kind === 'result' && !outcome.result.ok && outcome.result.message.length).toBe(2001);
  });
});
