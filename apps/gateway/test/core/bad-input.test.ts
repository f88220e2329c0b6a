// Bad input of every kind gets a code and a message; the socket stays usable and the node keeps serving others.
import type { ErrorEvent, PromptResponse } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, nextEvent, sendPrompt, startGateway, untyped, type Client, type TestGateway } from '../helpers/gateway.js';

describe('bad input', () => {
  let gw: TestGateway;
  let socket: Client;
  let bystander: Client;

  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '10000', MAX_MESSAGE_BYTES: '20000' });
    socket = await gw.connect('bad-user');
    bystander = await gw.connect('bystander');
  });
  afterAll(() => gw.close());

  const emitRaw = (...args: unknown[]): Promise<PromptResponse> =>
    untyped(socket).timeout(5000).emitWithAck<PromptResponse>('send-prompt', ...args);

  it.each([
    ['a string payload', 'Liste as máquinas'],
    ['null', null],
    ['a number', 42],
    ['an array', [{ prompt: 'x' }]],
    ['no prompt', {}],
    ['an empty prompt', { prompt: '' }],
    ['a blank prompt', { prompt: '    ' }],
    ['a prompt over 4000 characters', { prompt: 'a'.repeat(4001) }],
    ['a prompt of the wrong type', { prompt: { text: 'hi' } }],
    ['extra fields', { prompt: 'Liste as máquinas', isAdmin: true }],
    ['a binary attachment', { prompt: Buffer.from('Liste as máquinas') }],
    ['a binary payload', Buffer.from('hello')],
    ['an invalid requestId', { prompt: 'ok', requestId: 'has spaces and ✓' }],
  ])('send-prompt with %s → INVALID_PAYLOAD', async (_label, payload) => {
    const response = await emitRaw(payload);
    expect(response).toMatchObject({ isSuccess: false, code: 'INVALID_PAYLOAD' });
    expect(response.error).toBeTruthy();
    expect(response.requestId).toBeTruthy();
  });

  it('echoes a usable requestId on a refused payload', async () => {
    const response = await emitRaw({ prompt: '', requestId: 'bad-1' });
    expect(response).toMatchObject({ code: 'INVALID_PAYLOAD', requestId: 'bad-1' });
  });

  it('send-prompt without any payload', async () => {
    const response = await emitRaw();
    expect(response.code).toBe('INVALID_PAYLOAD');
  });

  it('unknown tool → UNKNOWN_TOOL; schema-failing arguments → INVALID_ARGUMENTS', async () => {
    const unknown = await callTool(socket, 'drop_database', {});
    expect(unknown).toMatchObject({ isSuccess: false, code: 'UNKNOWN_TOOL' });
    const badEmail = await callTool(socket, 'create_lead', { email: 'not-an-email' });
    expect(badEmail).toMatchObject({ isSuccess: false, code: 'INVALID_ARGUMENTS', tool: 'create_lead' });
    expect(badEmail.error).toMatch(/email/);
    const extra = await callTool(socket, 'get_machines', { page: 1, sql: 'DROP TABLE' });
    expect(extra.code).toBe('INVALID_ARGUMENTS');
    const wrongType = await callTool(socket, 'get_machine_details', { machineCode: '12345; DROP' });
    expect(wrongType.code).toBe('INVALID_ARGUMENTS');
    const notObject = await untyped(socket).timeout(5000).emitWithAck<PromptResponse>('call-tool', { tool: 'get_machines', arguments: 'all' });
    expect(notObject.code).toBe('INVALID_PAYLOAD');
  });

  it('the tool itself rejects what the schema cannot know (unknown machine)', async () => {
    const response = await callTool(socket, 'create_lead', { email: 'x@example.com', machineCode: 99999 });
    expect(response).toMatchObject({ isSuccess: false, code: 'NOT_FOUND', tool: 'create_lead' });
  });

  it('unknown events → error event UNKNOWN_EVENT', async () => {
    const error = nextEvent<ErrorEvent>(socket, 'error');
    untyped(socket).emit('drop-everything', { now: true });
    expect(await error).toMatchObject({ code: 'UNKNOWN_EVENT', event: 'drop-everything' });
  });

  it('ack-only events without an ack → error event; bad get-history → coded ack', async () => {
    const error = nextEvent<ErrorEvent>(socket, 'error');
    untyped(socket).emit('list-tools');
    expect(await error).toMatchObject({ code: 'INVALID_PAYLOAD', event: 'list-tools' });
    const history = await socket.timeout(5000).emitWithAck('get-history', { limit: 'all' } as never);
    expect(history).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    const ack = await socket.timeout(5000).emitWithAck('ack-response', { requestId: 42 } as never);
    expect(ack).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });

  it('auth-refresh with a bad token or another user is refused', async () => {
    const invalid = await socket.timeout(5000).emitWithAck('auth-refresh', { token: 'nope' });
    expect(invalid).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    const other = await socket.timeout(5000).emitWithAck('auth-refresh', { token: await gw.token('someone-else') });
    expect(other).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const same = await socket.timeout(5000).emitWithAck('auth-refresh', { token: await gw.token('bad-user', { ttlSeconds: 7200 }) });
    expect(same.ok).toBe(true);
  });

  it('after all of that the socket still works', async () => {
    expect(socket.connected).toBe(true);
    const response = await sendPrompt(socket, 'Liste todas as máquinas disponíveis');
    expect(response.isSuccess).toBe(true);
  });

  it('a message over maxHttpBufferSize closes only that connection; everyone else is served', async () => {
    const victim = await gw.connect('oversize-user');
    const closed = nextEvent<string>(victim, 'disconnect');
    victim.emit('send-prompt', { prompt: 'x'.repeat(30_000) });
    expect(await closed).toMatch(/transport (close|error)/);
    const response = await sendPrompt(bystander, 'Mostre todas as máquinas');
    expect(response.isSuccess).toBe(true);
  });
});
