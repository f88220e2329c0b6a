// suggest-prompts through a real gateway with the embedded demo data: completions in Portuguese and English that
// name the account's machines, the user's own prompt on top once sent, INVALID_PAYLOAD for bad payloads, the
// per-socket event limit applied, and the prompt rate limit left alone.
import type { AckResult, PromptSuggestion } from '@leadlovers/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPrompt } from '../../src/planner/rules/index.js';
import { collect, sendPrompt, startGateway, untyped, type Client, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

const DEMO_CODES = [12345, 23456, 34567, 45678];
const EVENT_LIMIT = 60;

interface ErrorEvent {
  code: string;
  event?: string;
}

async function suggest(socket: Client, payload: unknown): Promise<AckResult<PromptSuggestion[]>> {
  return untyped(socket).timeout(5_000).emitWithAck<AckResult<PromptSuggestion[]>>('suggest-prompts', payload);
}

async function suggestions(socket: Client, partial: string, language?: 'pt' | 'en'): Promise<PromptSuggestion[]> {
  const result = await suggest(socket, language ? { partial, language } : { partial });
  if (!result.ok) throw new Error(`suggest-prompts failed: ${result.code} ${result.message}`);
  return result.data;
}

function expectRouted(list: readonly PromptSuggestion[]): void {
  for (const s of list) {
    const plan = planPrompt(s.text);
    expect(plan.kind, s.text).not.toBe('unknown');
    if (s.source === 'data') expect(plan.kind, s.text).toBe('call');
  }
}

describe('suggest-prompts through the gateway', () => {
  let gw: TestGateway;
  let socket: Client;

  beforeAll(async () => {
    gw = await startGateway({ PROMPT_RATE_PER_MINUTE: '3', EVENTS_PER_10S: String(EVENT_LIMIT) });
    socket = await gw.connect('suggest-user', { account: 'suggest-account' });
  });
  afterAll(() => gw?.close());

  it('names the demo machines once the account data is warm (loaded on connect)', async () => {
    // The first answers may come from grammar alone while the data loads; poll gently (the event limit counts).
    let list: PromptSuggestion[] = [];
    await eventually(async () => {
      list = await suggestions(socket, 'leads da máq');
      return list.some((s) => s.source === 'data');
    }, 40, 250);
    expect(list).toHaveLength(5);
    for (const code of DEMO_CODES) expect(list.some((s) => s.text.includes(`máquina ${code}`)), String(code)).toBe(true);
    for (const s of list) expect(s).toMatchObject({ source: 'data', language: 'pt' });
    expect(list.some((s) => s.text.includes('(Máquina de Boas-vindas)') || s.text.includes('(Black Friday 2025)'))).toBe(true);
    expectRouted(list);
  });

  it('completes "liste", "list the" and nothing at all', async () => {
    const liste = await suggestions(socket, 'liste');
    expect(liste.length).toBeGreaterThan(0);
    expect(liste.length).toBeLessThanOrEqual(5);
    for (const s of liste) expect(s).toMatchObject({ language: 'pt', text: expect.stringMatching(/^Liste /) });
    expectRouted(liste);

    const listThe = await suggestions(socket, 'list the');
    expect(listThe.length).toBeGreaterThan(0);
    for (const s of listThe) expect(s).toMatchObject({ language: 'en', text: expect.stringMatching(/^List the /) });
    expect(listThe.some((s) => DEMO_CODES.some((code) => s.text.includes(String(code))))).toBe(true);
    expectRouted(listThe);

    const empty = await suggestions(socket, '');
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.length).toBeLessThanOrEqual(5);
    for (const s of empty) expect(s.language).toBe('pt');
    expectRouted(empty);

    const english = await suggestions(socket, '', 'en');
    expect(english.length).toBeGreaterThan(0);
    for (const s of english) expect(s.language).toBe('en');
  });

  it('puts a prompt the user sent at the top of what matches it', async () => {
    const prompt = 'Mostre os leads da máquina 34567 de ontem';
    expect((await suggestions(socket, 'mostre os leads')).map((s) => s.text)).not.toContain(prompt);
    const response = await sendPrompt(socket, prompt);
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_leads' });
    const list = await suggestions(socket, 'mostre os leads');
    expect(list[0]).toMatchObject({ text: prompt, source: 'history', language: 'pt' });
    expect((await suggestions(socket, 'MOSTRE OS LEADS DA MAQUINA 345'))[0]).toMatchObject({ text: prompt, source: 'history' });
  });

  it('answers INVALID_PAYLOAD for a bad payload, and an error event without an ack', async () => {
    for (const payload of [{ partial: 42 }, { partial: 'liste', language: 'fr' }, { partial: 'liste', extra: true }, {}, 'liste', null]) {
      expect(await suggest(socket, payload), JSON.stringify(payload)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    }
    expect(await suggest(socket, { partial: 'x'.repeat(5_000) })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    const errors = collect<ErrorEvent>(socket, 'error');
    untyped(socket).emit('suggest-prompts', { partial: 'liste' });
    await eventually(() => errors.length > 0, 40, 50);
    expect(errors[0]).toMatchObject({ code: 'INVALID_PAYLOAD', event: 'suggest-prompts' });
    expect(socket.connected).toBe(true);
  });

  it('does not spend the prompt rate limit', async () => {
    const typist = await gw.connect('typing-user', { account: 'suggest-account' });
    for (const partial of ['l', 'li', 'lis', 'list', 'liste', 'liste ', 'liste t', 'liste to', 'liste tod', 'liste toda']) {
      expect((await suggest(typist, { partial })).ok).toBe(true);
    }
    // PROMPT_RATE_PER_MINUTE is 3: three prompts pass after ten suggestions, the fourth is refused.
    for (let i = 0; i < 3; i += 1) expect((await sendPrompt(typist, 'Liste todas as máquinas')).isSuccess).toBe(true);
    expect(await sendPrompt(typist, 'Liste todas as máquinas')).toMatchObject({ isSuccess: false, code: 'RATE_LIMITED' });
  });

  it('goes through the per-socket event limit', async () => {
    const flooder = await gw.connect('fast-typist', { account: 'suggest-account' });
    const errors = collect<ErrorEvent>(flooder, 'error');
    const sent = EVENT_LIMIT + 10;
    // Every ack is answered: the events over the limit with RATE_LIMITED, so no client waits for its timeout.
    const results = (await Promise.all(
      Array.from({ length: sent }, (_, i) => untyped(flooder).timeout(5_000).emitWithAck('suggest-prompts', { partial: `liste ${i}` })),
    )) as Array<{ ok: boolean; code?: string }>;
    expect(results.filter((r) => r.ok)).toHaveLength(EVENT_LIMIT);
    expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 10 }, () => expect.objectContaining({ ok: false, code: 'RATE_LIMITED' })));
    expect(errors).toEqual([expect.objectContaining({ code: 'RATE_LIMITED', event: 'suggest-prompts' })]);
  });
});
