// Reading a tools/call back: results (ours, the SDK's own error results, other servers' text-only ones) and
// thrown errors (JSON-RPC errors, timeouts, closed connections), including shapes our server cannot produce.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { readToolCallError, readToolResult } from '../src/index.js';

const text = (value: string) => [{ type: 'text' as const, text: value }];
const context = { toolName: 'get_leads', timeoutMs: 500, cancelled: false, childGone: false };

describe('readToolResult', () => {
  it('prefers structuredContent (without the text rendering of it), else parses the text as JSON, else keeps the text', () => {
    expect(readToolResult({ content: text('{"a":1}'), structuredContent: { a: 2 } })).toEqual({
      kind: 'result',
      result: { ok: true, data: { a: 2 } },
    });
    expect(readToolResult({ content: text('[1,2]') })).toEqual({ kind: 'result', result: { ok: true, data: [1, 2], text: '[1,2]' } });
    expect(readToolResult({ content: text('plain words') })).toEqual({
      kind: 'result',
      result: { ok: true, data: 'plain words', text: 'plain words' },
    });
    expect(readToolResult({ content: [] })).toEqual({ kind: 'result', result: { ok: true, data: undefined } });
  });

  it("reads a tool error's structuredContent, with BACKEND_ERROR for codes outside the tool set", () => {
    const notFound = { code: 'NOT_FOUND', message: 'No such lead', field: 'email' };
    expect(readToolResult({ content: text('x'), structuredContent: notFound, isError: true })).toEqual({
      kind: 'result',
      result: { ok: false, code: 'NOT_FOUND', message: 'No such lead', field: 'email' },
    });
    expect(readToolResult({ content: [], structuredContent: { code: 'WEIRD', message: 'odd' }, isError: true })).toEqual({
      kind: 'result',
      result: { ok: false, code: 'BACKEND_ERROR', message: 'odd' },
    });
  });

  it('falls back to BACKEND_ERROR with the text for an error result without a payload', () => {
    expect(readToolResult({ content: text('LeadLovers API answered 500'), isError: true })).toEqual({
      kind: 'result',
      result: { ok: false, code: 'BACKEND_ERROR', message: 'LeadLovers API answered 500' },
    });
  });

  it("understands the SDK McpServer's -32602 error results", () => {
    const invalid = 'MCP error -32602: Input validation error: Invalid arguments for tool get_leads: Too small at pageSize';
    expect(readToolResult({ content: text(invalid), isError: true })).toEqual({
      kind: 'result',
      result: {
        ok: false,
        code: 'INVALID_ARGUMENTS',
        message: 'Input validation error: Invalid arguments for tool get_leads: Too small at pageSize',
        field: 'pageSize',
      },
    });
    expect(readToolResult({ content: text('MCP error -32602: Tool nope not found'), isError: true })).toEqual({
      kind: 'error',
      error: { code: 'UNKNOWN_TOOL', message: 'Tool nope not found' },
      retry: 'no',
    });
    const output = 'MCP error -32602: Output validation error: Invalid structured content for tool get_leads: …';
    expect(readToolResult({ content: text(output), isError: true })).toMatchObject({ result: { ok: false, code: 'BACKEND_ERROR' } });
  });
});

describe('readToolCallError', () => {
  it('maps JSON-RPC invalid params to INVALID_ARGUMENTS, or UNKNOWN_TOOL for a missing tool', () => {
    expect(readToolCallError(new McpError(ErrorCode.InvalidParams, 'email: Invalid email at email'), context)).toEqual({
      kind: 'result',
      result: { ok: false, code: 'INVALID_ARGUMENTS', message: 'email: Invalid email at email', field: 'email' },
    });
    expect(readToolCallError(new McpError(ErrorCode.InvalidParams, 'Unknown tool: nope'), context)).toMatchObject({
      kind: 'error',
      error: { code: 'UNKNOWN_TOOL' },
    });
  });

  it('maps the request timeout to TIMEOUT and a cancelled call to TIMEOUT', () => {
    expect(readToolCallError(new McpError(ErrorCode.RequestTimeout, 'Request timed out'), context)).toEqual({
      kind: 'error',
      error: { code: 'TIMEOUT', message: 'Tool "get_leads" did not answer within 500 ms' },
      retry: 'no',
    });
    expect(readToolCallError(new Error('AbortError'), { ...context, cancelled: true })).toMatchObject({ error: { code: 'TIMEOUT' } });
  });

  it('maps a closed connection or a gone child to TOOL_UNAVAILABLE, retryable when read-only', () => {
    const expected = { kind: 'error', error: { code: 'TOOL_UNAVAILABLE' }, retry: 'if-read-only' };
    expect(readToolCallError(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), context)).toMatchObject(expected);
    expect(readToolCallError(new Error('Not connected'), { ...context, childGone: true })).toMatchObject(expected);
  });

  it('maps other server errors to BACKEND_ERROR and anything else to INTERNAL', () => {
    expect(readToolCallError(new McpError(ErrorCode.InternalError, 'db locked'), context)).toMatchObject({
      result: { ok: false, code: 'BACKEND_ERROR' },
    });
    expect(readToolCallError(new TypeError('boom'), context)).toMatchObject({ kind: 'error', error: { code: 'INTERNAL' }, retry: 'no' });
  });
});
