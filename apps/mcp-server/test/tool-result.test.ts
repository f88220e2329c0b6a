// readToolResult: the one way clients turn a tools/call result into data or { code, message, field? }.
import { describe, expect, it } from 'vitest';
import { readToolResult } from '../src/tool-result.js';

describe('readToolResult', () => {
  it('reads success data and the summary line', () => {
    const result = { content: [{ type: 'text', text: '{"a":1}' }, { type: 'text', text: 'One thing.' }], structuredContent: { a: 1 } };
    expect(readToolResult(result)).toEqual({ ok: true, data: { a: 1 }, text: 'One thing.' });
  });

  it('reads our structured failures', () => {
    const result = { isError: true, content: [{ type: 'text', text: 'x' }], structuredContent: { code: 'CONFLICT', message: 'x', field: 'email' } };
    expect(readToolResult(result)).toEqual({ ok: false, code: 'CONFLICT', message: 'x', field: 'email' });
  });

  it('maps SDK input-validation failures to INVALID_ARGUMENTS with the field', () => {
    const text = 'MCP error -32602: Input validation error: Invalid arguments for tool get_leads: Too big: expected number to be <=100 at pageSize';
    expect(readToolResult({ isError: true, content: [{ type: 'text', text }] })).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'Invalid arguments: Too big: expected number to be <=100 at pageSize',
      field: 'pageSize',
    });
  });

  it('maps anything else to BACKEND_ERROR', () => {
    const text = 'MCP error -32602: Output validation error: Invalid structured content for tool get_leads: bad';
    expect(readToolResult({ isError: true, content: [{ type: 'text', text }] })).toMatchObject({ ok: false, code: 'BACKEND_ERROR' });
    expect(readToolResult({ isError: true })).toMatchObject({ ok: false, code: 'BACKEND_ERROR' });
  });
});
