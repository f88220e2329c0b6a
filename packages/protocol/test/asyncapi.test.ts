// The AsyncAPI document: the checked-in file is what the zod schemas give today (regenerated and compared), it is
// a valid AsyncAPI 3 document for @asyncapi/parser, and it covers every event with the schemas' constraints.
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { buildAsyncApiDocument, renderAsyncApiDocument } from '../src/asyncapi/document.js';
import { ASYNCAPI_FILE, protocolVersion } from '../src/asyncapi/write.js';
import { EVENTS, MAX_PROMPT_LENGTH } from '../src/index.js';

type Doc = {
  operations: Record<string, { action: string; reply?: unknown }>;
  components: { messages: Record<string, { name: string; payload?: Record<string, unknown> }>; schemas: Record<string, { properties: { code: { enum: string[] } } }> };
};

describe('AsyncAPI document', () => {
  it('the checked-in packages/protocol/asyncapi.json is up to date (run pnpm asyncapi after changing a schema)', () => {
    expect(readFileSync(ASYNCAPI_FILE, 'utf8')).toBe(renderAsyncApiDocument(protocolVersion()));
  });

  it('is a valid AsyncAPI 3 document: @asyncapi/parser reports no error and no warning', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(ASYNCAPI_FILE, 'utf8'));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
    expect(document?.operations().length).toBe(Object.keys(EVENTS).length);
  });

  it('the parser does refuse a broken document (the check above can fail)', async () => {
    const broken = buildAsyncApiDocument('0.0.0') as Record<string, unknown>;
    (broken.operations as Record<string, Record<string, unknown>>).sendPrompt!.channel = { $ref: '#/channels/nowhere' };
    const { diagnostics } = await new Parser().parse(JSON.stringify(broken));
    expect(diagnostics.some((d) => d.severity === 0)).toBe(true);
  });

  it('has one operation per event, client events received by the gateway, server events sent, acks as replies', () => {
    const doc = buildAsyncApiDocument('1.2.3') as unknown as Doc;
    const names = Object.values(doc.operations).length;
    expect(names).toBe(Object.keys(EVENTS).length);
    const messageNames = new Set(Object.values(doc.components.messages).map((m) => m.name));
    for (const event of Object.values(EVENTS)) expect(messageNames.has(event)).toBe(true);
    expect(doc.operations.sendPrompt).toMatchObject({ action: 'receive', reply: expect.anything() });
    expect(doc.operations.promptResponse).toMatchObject({ action: 'send' });
    expect(doc.operations.promptResponse?.reply).toBeUndefined();
    expect(doc.components.schemas.ConnectErrorData?.properties.code.enum).toContain('TOKEN_REVOKED');
  });

  it('carries the zod constraints: strict client payloads, required fields, bounds', () => {
    const doc = buildAsyncApiDocument('1.2.3') as unknown as Doc;
    const sendPrompt = doc.components.messages.sendPrompt?.payload as { required: string[]; additionalProperties: boolean; properties: { prompt: { maxLength: number } } };
    expect(sendPrompt.required).toEqual(['prompt']);
    expect(sendPrompt.additionalProperties).toBe(false);
    expect(sendPrompt.properties.prompt.maxLength).toBe(MAX_PROMPT_LENGTH);
    const response = doc.components.messages.promptResponse?.payload as { required: string[] };
    expect(response.required).toEqual(expect.arrayContaining(['isSuccess', 'metadata', 'requestId']));
  });
});
