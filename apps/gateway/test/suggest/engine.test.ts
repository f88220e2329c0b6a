// The suggestion engine with fixed data (the embedded demo catalog): Portuguese and English partials, accents and
// case, machine codes and names, history ranking, dedupe, at most 5, the language rules, and that every suggestion
// is a prompt the rules planner routes to its tool. Then the account cache and the service with a fake runner.
import type { HistoryEntry, PromptSuggestion } from '@leadlovers/protocol';
import { describe, expect, it } from 'vitest';
import { DEMO_MACHINES } from '../../../mcp-server/src/backend/embedded/demo-catalog.js';
import { createLogger } from '../../src/shared/logger.js';
import type { ToolCallRequest, ToolCallResult, ToolRunner } from '../../src/mcp/types.js';
import { planPrompt } from '../../src/planner/rules/index.js';
import { VERBS as LEXICON } from '../../src/planner/rules/lexicon.js';
import type { Language } from '../../src/planner/types.js';
import { MemoryHistoryStore } from '../../src/store/history.js';
import { RefreshCache } from '../../src/suggest/cache.js';
import { buildDataCandidates, genericCandidates, textOf, type AccountData, type Candidate } from '../../src/suggest/candidates.js';
import { suggestPrompts } from '../../src/suggest/engine.js';
import { GENERIC_TEMPLATES, VERBS, type VerbGroup } from '../../src/suggest/grammar.js';
import { PlanMemo, meets } from '../../src/suggest/plans.js';
import { createSuggestionService } from '../../src/suggest/service.js';

const DEMO: AccountData = {
  machines: DEMO_MACHINES.map((m) => ({ code: m.code, name: m.name, sequences: m.sequences.map((s) => ({ code: s.code, name: s.name })) })),
};
const CODES = DEMO.machines.map((m) => m.code);

const memo = new PlanMemo();
const data = await buildDataCandidates(DEMO, memo);

let seq = 0;
function entry(input: string, outcome: { isSuccess: boolean; code?: string } = { isSuccess: true }, kind: 'prompt' | 'tool' = 'prompt'): HistoryEntry {
  seq += 1;
  return {
    requestId: `r${seq}`,
    kind,
    input,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    response: { ...outcome, requestId: `r${seq}`, metadata: { executionTime: 1 } } as HistoryEntry['response'],
  };
}

function suggest(partial: string, options: { history?: HistoryEntry[]; language?: Language; data?: readonly Candidate[] | null } = {}): PromptSuggestion[] {
  return suggestPrompts(
    { partial, history: options.history ?? [], language: options.language, data: options.data === null ? undefined : (options.data ?? data) },
    new PlanMemo(),
  );
}

/** The planner routes the suggestion to a tool, in the suggestion's language (history may be the user's own words). */
function expectRoutes(suggestions: readonly PromptSuggestion[]): void {
  for (const s of suggestions) {
    const plan = planPrompt(s.text);
    expect(plan.kind, s.text).not.toBe('unknown');
    if (s.source !== 'history') expect(plan.language, s.text).toBe(s.language);
    if (s.source === 'data') expect(plan.kind, s.text).toBe('call');
  }
}

const texts = (list: readonly PromptSuggestion[]) => list.map((s) => s.text);
const fold = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

describe('grammar', () => {
  // Which planner verb kinds each group may use: "crie um email" writes content, so `write` also takes create verbs.
  const KINDS: Record<VerbGroup, (keyof typeof LEXICON)[]> = {
    list: ['list'], create: ['create'], add: ['add'], update: ['update'], delete: ['delete'], write: ['write', 'create'],
  };

  it('opens templates only with verbs the planner knows, of the right kind', () => {
    for (const language of ['pt', 'en'] as const) {
      for (const [group, verbs] of Object.entries(VERBS[language]) as [VerbGroup, readonly string[]][]) {
        for (const verb of verbs) expect(KINDS[group].some((kind) => LEXICON[kind].has(fold(verb))), `${language} ${group} ${verb}`).toBe(true);
      }
    }
  });

  it('every generic template, with every verb of its group, routes to its tool in its language', () => {
    let checked = 0;
    for (const language of ['pt', 'en'] as const) {
      for (const candidate of genericCandidates(language)) {
        const verbs = candidate.verb ? VERBS[language][candidate.verb] : [undefined];
        for (const verb of verbs) {
          const text = textOf(candidate, verb);
          expect(meets(planPrompt(text), candidate.expect), text).toBe(true);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(GENERIC_TEMPLATES.length * 2 * 3);
  });

  it('every data template of the demo account routes to a call with exactly its machine (and sequence)', () => {
    const sequences = DEMO.machines.reduce((n, m) => n + m.sequences.length, 0);
    // 4 machine templates per machine and 1 per sequence, in both languages.
    expect(data).toHaveLength(2 * (4 * DEMO.machines.length + sequences));
    for (const candidate of data) {
      const text = textOf(candidate);
      expect(planPrompt(text), text).toMatchObject({ kind: 'call', tool: candidate.expect.tool, language: candidate.language, arguments: candidate.expect.arguments });
    }
  });

  it('checks the other verbs of a data template against the planner before offering them', () => {
    // A name may tip the language once the verb changes ("Search … (Boas-vindas …)" reads as Portuguese): the
    // engine plans every text it offers, and drops those that do not plan as written.
    const check = new PlanMemo();
    let routed = 0;
    let refused = 0;
    for (const candidate of data) {
      for (const verb of candidate.verb ? VERBS[candidate.language][candidate.verb] : [undefined]) {
        const text = textOf(candidate, verb);
        const plan = planPrompt(text);
        const exact = plan.kind === 'call' && plan.tool === candidate.expect.tool && plan.language === candidate.language && JSON.stringify(plan.arguments) === JSON.stringify(candidate.expect.arguments);
        expect(check.routes(text, candidate.expect), text).toBe(exact);
        if (exact) routed += 1;
        else refused += 1;
      }
    }
    expect(routed).toBeGreaterThan(refused * 5);
  });

  it('keeps a machine name in the text only when the planner still reads the prompt the same way', () => {
    const shown = data.filter((c) => c.hidden.length === 0).map((c) => textOf(c));
    expect(shown).toContain('Liste as sequências da máquina 34567 (Black Friday 2025)');
    expect(shown).toContain('Quais são os leads da máquina 12345 (Máquina de Boas-vindas)');
    // "Nutrição de Leads B2B" would make the planner search leads for "B2B": the name is matched, not shown.
    const nutrition = data.find((c) => c.language === 'pt' && c.expect.tool === 'get_leads' && !c.verb && c.expect.arguments?.machineCode === 45678);
    expect(nutrition && textOf(nutrition)).toBe('Quais são os leads da máquina 45678');
    expect(nutrition?.hidden).toEqual(['nutricao', 'de', 'leads', 'b2b']);
  });
});

describe('suggestPrompts', () => {
  it('completes a Portuguese verb with prompts about the account, at most 5, all routed', () => {
    const list = suggest('liste');
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(5);
    for (const s of list) expect(s).toMatchObject({ language: 'pt', text: expect.stringMatching(/^Liste /) });
    expect(list.some((s) => s.source === 'data' && s.text.includes('12345'))).toBe(true);
    expectRoutes(list);
  });

  it('completes an English partial in English', () => {
    const list = suggest('list the');
    expect(list.length).toBeGreaterThan(0);
    for (const s of list) expect(s).toMatchObject({ language: 'en', text: expect.stringMatching(/^List the /) });
    expectRoutes(list);
    expect(texts(suggest('write a'))).toEqual(expect.arrayContaining(['Write a welcome email for new subscribers']));
  });

  it('fills in the machines when the user names a machine without a verb', () => {
    const list = suggest('leads da máq');
    expect(list).toHaveLength(5);
    for (const code of CODES) expect(list.some((s) => s.text.includes(`máquina ${code}`)), String(code)).toBe(true);
    for (const s of list) expect(s.source).toBe('data');
    expectRoutes(list);
  });

  it('ignores accents and case', () => {
    expect(texts(suggest('SEQUENCIAS DA MAQUINA'))).toEqual(texts(suggest('sequências da máquina')));
    expect(texts(suggest('Mostre as seq'))).toEqual(texts(suggest('mostre as seq')));
    expect(suggest('sequencias da maquina').length).toBeGreaterThan(0);
  });

  it('keeps the verb the user chose', () => {
    const list = suggest('mostre as');
    expect(list.length).toBe(5);
    for (const s of list) expect(s.text).toMatch(/^Mostre /);
    // The four machines' sequences first; a prompt that skips the typed "as" only after them.
    for (const s of list.slice(0, 4)) expect(s.text).toMatch(/^Mostre as sequências da máquina \d+/);
    expectRoutes(list);
    expect(suggest('exib')[0]?.text).toMatch(/^Exiba /);
  });

  it('matches machine codes and names, shown or not', () => {
    expect(texts(suggest('leads da máquina 234')).every((t) => t.includes('23456'))).toBe(true);
    expect(suggest('leads da máquina 234').length).toBeGreaterThan(0);
    const black = suggest('sequências da black');
    expect(black[0]?.text).toBe('Liste as sequências da máquina 34567 (Black Friday 2025)');
    // The name is not in the text (the planner would misread it), yet typing it finds the machine.
    expect(texts(suggest('quais são os leads da nutri'))).toContain('Quais são os leads da máquina 45678');
    expect(texts(suggest('leads of machine black', { language: 'en' }))).toContain('List the leads of machine 34567 (Black Friday 2025)');
    for (const partial of ['leads da máquina 234', 'sequências da black', 'quais são os leads da nutri']) expectRoutes(suggest(partial));
  });

  it('puts the user’s own prompts first, recent and successful ones ahead', () => {
    const history = [
      entry('Mostre os leads da máquina 23456 de hoje'), // newest
      entry('Mostre os leads da máquina 12345', { isSuccess: false, code: 'TOOL_FAILED' }),
      entry('Mostre as sequências da máquina 34567'),
      entry('Mostre todos os leads'),
      entry('mostre qualquer coisa', { isSuccess: false, code: 'UNKNOWN_INTENT' }),
      entry('get_leads', { isSuccess: true }, 'tool'),
    ];
    const list = suggest('mostre', { history });
    expect(list.slice(0, 3).map((s) => [s.source, s.text])).toEqual([
      ['history', 'Mostre os leads da máquina 23456 de hoje'],
      ['history', 'Mostre as sequências da máquina 34567'],
      ['history', 'Mostre todos os leads'],
    ]);
    // The failed one still counts, below the successful ones; a prompt the planner did not understand does not.
    expect(texts(list)).not.toContain('mostre qualquer coisa');
    const failed = list.findIndex((s) => s.text === 'Mostre os leads da máquina 12345');
    expect(failed === -1 || failed >= 3).toBe(true);
    expectRoutes(list);
  });

  it('ranks history above data above grammar when they match alike, and dedupes by text and by plan', () => {
    const history = [entry('Liste as máquinas'), entry('liste as MÁQUINAS')];
    const list = suggest('liste', { history });
    expect(list[0]).toMatchObject({ source: 'history', text: 'Liste as máquinas' });
    // "Liste todas as máquinas" plans to the same call (get_machines {}) as the history prompt: one of them.
    expect(texts(list)).not.toContain('Liste todas as máquinas');
    expect(list.filter((s) => fold(s.text) === 'liste as maquinas')).toHaveLength(1);
    const sources = list.map((s) => s.source);
    expect(sources.indexOf('data')).toBeLessThan(sources.lastIndexOf('grammar') === -1 ? Infinity : sources.lastIndexOf('grammar'));

    for (const partial of ['', 'l', 'liste', 'leads', 'leads da máquina', 'mostre as', 'list', 'gere um email', 'quais']) {
      const got = suggest(partial, { history });
      expect(got.length).toBeLessThanOrEqual(5);
      expect(new Set(got.map((s) => fold(s.text))).size).toBe(got.length);
      const calls = got.map((s) => planPrompt(s.text)).filter((p) => p.kind === 'call').map((p) => JSON.stringify([p.kind === 'call' && p.tool, p.kind === 'call' && p.arguments]));
      expect(new Set(calls).size, partial).toBe(calls.length);
    }
  });

  it('data beats grammar when both match as well', () => {
    const list = suggest('liste');
    const firstGrammar = list.findIndex((s) => s.source === 'grammar');
    expect(list[0]?.source).toBe('data');
    if (firstGrammar >= 0) expect(list.slice(0, firstGrammar).every((s) => s.source === 'data')).toBe(true);
  });

  it('picks the language: payload, else the partial, else the history, else pt', () => {
    expect(suggest('').every((s) => s.language === 'pt')).toBe(true);
    expect(suggest('', { language: 'en' }).every((s) => s.language === 'en')).toBe(true);
    expect(suggest('leads', { language: 'en' })[0]?.language).toBe('en');
    expect(suggest('leads')[0]?.language).toBe('pt');
    const english = [entry('Show all machines')];
    expect(suggest('', { history: english }).map((s) => s.language)).toEqual(suggest('', { history: english }).map(() => 'en'));
    expect(suggest('leads', { history: english })[0]?.language).toBe('en');
    // The partial decides over the history.
    expect(suggest('liste', { history: english })[0]?.language).toBe('pt');
    // Nothing tells ("sho"), nothing matches in pt: the other language is tried.
    expect(suggest('sho')[0]).toMatchObject({ language: 'en', text: expect.stringMatching(/^Show /) });
  });

  it('answers from grammar and history while the account data is not cached', () => {
    const list = suggest('liste', { data: null, history: [entry('Liste os leads da máquina 99999')] });
    expect(list[0]).toMatchObject({ source: 'history', text: 'Liste os leads da máquina 99999' });
    expect(list.slice(1).every((s) => s.source === 'grammar')).toBe(true);
    expect(texts(list)).toContain('Liste todas as máquinas');
    expectRoutes(list);
    const empty = suggest('', { data: null });
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.every((s) => s.source === 'grammar')).toBe(true);
  });

  it('offers nothing the user already typed, and nothing for gibberish', () => {
    expect(texts(suggest('Liste todas as máquinas'))).not.toContain('Liste todas as máquinas');
    expect(suggest('xyzzy plugh')).toEqual([]);
  });

  it('every suggestion for every prefix of every template routes through the planner', () => {
    const partials = new Set<string>(['']);
    for (const candidate of [...data, ...genericCandidates('pt'), ...genericCandidates('en')]) {
      const words = textOf(candidate).split(' ');
      for (let n = 1; n <= words.length; n += 1) {
        const prefix = words.slice(0, n).join(' ');
        partials.add(prefix);
        partials.add(prefix.slice(0, -1));
      }
    }
    let seen = 0;
    const shared = new PlanMemo();
    for (const partial of partials) {
      const list = suggestPrompts({ partial, history: [], data }, shared);
      expect(list.length).toBeLessThanOrEqual(5);
      expectRoutes(list);
      seen += list.length;
    }
    expect(seen).toBeGreaterThan(partials.size);
  });
});

describe('PlanMemo', () => {
  it('plans a text once a day: relative dates follow the calendar', () => {
    let now = new Date('2026-03-10T23:59:00Z');
    const plans = new PlanMemo(100, () => now);
    const today = plans.of('Liste os leads de hoje');
    expect(plans.of('Liste os leads de hoje')).toBe(today);
    expect(today.signature).toContain('2026-03-10');
    now = new Date('2026-03-11T00:01:00Z');
    const tomorrow = plans.of('Liste os leads de hoje');
    expect(tomorrow.signature).toContain('2026-03-11');
    expect(tomorrow.normalized).toBe(today.normalized); // the text-only facts are kept
  });
});

describe('RefreshCache', () => {
  it('serves what it has, loads once at a time, refreshes after the TTL and backs off after a failure', async () => {
    let now = 0;
    const errors: unknown[] = [];
    const cache = new RefreshCache<string, number>({ ttlMs: 1_000, retryMs: 100, maxEntries: 2, now: () => now, onError: (_k, err) => errors.push(err) });
    let loads = 0;
    let release: (value: number) => void = () => undefined;
    const load = () => {
      loads += 1;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    expect(cache.peek('a', load)).toBeUndefined();
    expect(cache.peek('a', load)).toBeUndefined();
    expect(loads).toBe(1); // single flight
    release(1);
    await cache.settled('a');
    expect(cache.peek('a', load)).toBe(1);
    now = 999;
    expect(cache.peek('a', load)).toBe(1);
    expect(loads).toBe(1);
    now = 1_000;
    expect(cache.peek('a', load)).toBe(1); // stale value served while it reloads
    expect(loads).toBe(2);
    release(2);
    await cache.settled('a');
    expect(cache.peek('a', load)).toBe(2);

    now = 5_000;
    cache.peek('a', () => Promise.reject(new Error('down')));
    await cache.settled('a');
    expect(errors).toHaveLength(1);
    expect(cache.peek('a', load)).toBe(2); // the old value survives a failed refresh
    expect(loads).toBe(2); // and the next attempt waits for the back-off
    now = 5_100;
    cache.peek('a', load);
    expect(loads).toBe(3);
    release(3);
    await cache.settled('a');

    cache.peek('b', () => Promise.resolve(1));
    cache.peek('c', () => Promise.resolve(1));
    expect(cache.size).toBe(2); // 'a' was the least recently used
    await cache.settled('c');
    expect(cache.peek('a', () => Promise.resolve(9))).toBeUndefined();
  });
});

describe('suggestion service', () => {
  /** A runner that serves the demo catalog, holding get_machines until released. */
  function demoRunner(queued = 0) {
    const calls: ToolCallRequest[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const runner: ToolRunner = {
      listTools: async () => [],
      stats: () => ({ workers: 1, readyWorkers: 1, inFlight: 0, queued, childRestarts: 0 }),
      close: async () => undefined,
      async callTool(request): Promise<ToolCallResult> {
        calls.push(request);
        if (request.name === 'get_machines') {
          await gate;
          return { ok: true, data: { machines: DEMO_MACHINES.map((m) => ({ MachineCode: m.code, MachineName: m.name })) } };
        }
        const machine = DEMO_MACHINES.find((m) => m.code === request.arguments.machineCode);
        if (!machine) return { ok: false, code: 'NOT_FOUND', message: 'no such machine' };
        return { ok: true, data: { machineCode: machine.code, sequences: machine.sequences.map((s) => ({ SequenceCode: s.code, SequenceName: s.name })) } };
      },
    };
    return { runner, calls, open: () => open() };
  }
  const user = { id: 'u1', account: 'acct-1' };

  it('answers at once while the account loads, then with its data; one load per account, as the user', async () => {
    const { runner, calls, open } = demoRunner();
    const history = new MemoryHistoryStore(10);
    await history.append(user.id, entry('Liste os leads de ontem'));
    const service = createSuggestionService({ runner, history, logger: createLogger('silent') });
    service.warm(user);
    service.warm({ id: 'u2', account: 'acct-1' });
    const cold = await service.suggest(user, { partial: 'liste' });
    expect(cold[0]).toMatchObject({ source: 'history', text: 'Liste os leads de ontem' });
    expect(cold.some((s) => s.source === 'data')).toBe(false);
    expect(calls.filter((c) => c.name === 'get_machines')).toHaveLength(1);
    expect(calls[0]).toMatchObject({ readOnly: true, caller: { account: 'acct-1', userId: 'u1' } });

    open();
    await service.settled('acct-1');
    const warm = await service.suggest(user, { partial: 'sequências da black' });
    expect(warm[0]).toMatchObject({ source: 'data', text: 'Liste as sequências da máquina 34567 (Black Friday 2025)' });
    expect(calls.filter((c) => c.name === 'get_email_sequences')).toHaveLength(DEMO_MACHINES.length);
    expect(calls.every((c) => c.caller.account === 'acct-1')).toBe(true);
  });

  it('loads few accounts at once, and warms nothing while the pool has a queue', async () => {
    const { runner, calls, open } = demoRunner();
    const service = createSuggestionService({ runner, history: new MemoryHistoryStore(10), logger: createLogger('silent'), maxConcurrentLoads: 2 });
    const accounts = ['a1', 'a2', 'a3', 'a4', 'a5'];
    for (const account of accounts) service.warm({ id: `user-${account}`, account });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.map((c) => c.caller.account)).toEqual(['a1', 'a2']);
    open();
    for (const account of accounts) await service.settled(account);
    expect(calls.filter((c) => c.name === 'get_machines').map((c) => c.caller.account)).toEqual(accounts);
    const list = await service.suggest({ id: 'user-a5', account: 'a5' }, { partial: 'detalhes da máquina 45' });
    expect(list[0]).toMatchObject({ source: 'data', text: 'Detalhes da máquina 45678 (Nutrição de Leads B2B)' });

    const busy = demoRunner(3);
    const idle = createSuggestionService({ runner: busy.runner, history: new MemoryHistoryStore(10), logger: createLogger('silent') });
    idle.warm(user);
    expect(busy.calls).toHaveLength(0);
    await idle.suggest(user, { partial: 'liste' });
    expect(busy.calls).toHaveLength(1); // a suggestion still loads the account
  });

  it('warms at most maxWarmupsPerSecond accounts in a burst; the others load on their first suggestion', async () => {
    const { runner, calls, open } = demoRunner();
    const service = createSuggestionService({ runner, history: new MemoryHistoryStore(10), logger: createLogger('silent'), maxWarmupsPerSecond: 2 });
    open();
    for (const account of ['b1', 'b2', 'b3', 'b4']) service.warm({ id: `user-${account}`, account });
    service.warm({ id: 'other-b1', account: 'b1' }); // already loading: no budget spent, no second load
    for (const account of ['b1', 'b2']) await service.settled(account);
    expect(calls.filter((c) => c.name === 'get_machines').map((c) => c.caller.account)).toEqual(['b1', 'b2']);
    const cold = await service.suggest({ id: 'user-b3', account: 'b3' }, { partial: 'detalhes da máquina 45' });
    expect(cold.some((s) => s.source === 'data')).toBe(false);
    await service.settled('b3');
    expect(calls.filter((c) => c.name === 'get_machines').map((c) => c.caller.account)).toEqual(['b1', 'b2', 'b3']);
    const warm = await service.suggest({ id: 'user-b3', account: 'b3' }, { partial: 'detalhes da máquina 45' });
    expect(warm[0]).toMatchObject({ source: 'data', text: 'Detalhes da máquina 45678 (Nutrição de Leads B2B)' });
  });

  it('keeps few accounts written out: the others are written out again from their planned form, to the same answers', async () => {
    const { runner, open } = demoRunner();
    const service = createSuggestionService({ runner, history: new MemoryHistoryStore(10), logger: createLogger('silent'), maxWrittenAccounts: 1 });
    open();
    const users = [{ id: 'w1', account: 'w-acct-1' }, { id: 'w2', account: 'w-acct-2' }];
    for (const u of users) service.warm(u);
    for (const u of users) await service.settled(u.account);
    const partials = ['detalhes da máquina 45', 'liste os leads da sequência', 'sequências da black'];
    const first = await Promise.all(partials.map((partial) => service.suggest(users[0] as (typeof users)[0], { partial })));
    expect(first.every((list) => list.some((s) => s.source === 'data'))).toBe(true);
    for (let round = 0; round < 2; round++) {
      for (const u of users) {
        for (const [i, partial] of partials.entries()) expect(await service.suggest(u, { partial })).toEqual(first[i]);
      }
    }
  });

  it('still answers when the tools and the history store fail', async () => {
    const runner: ToolRunner = {
      listTools: async () => [],
      stats: () => ({ workers: 0, readyWorkers: 0, inFlight: 0, queued: 0, childRestarts: 0 }),
      close: async () => undefined,
      callTool: async () => {
        throw new Error('pool down');
      },
    };
    const history = { append: async () => undefined, list: async () => Promise.reject(new Error('redis down')), close: async () => undefined };
    const service = createSuggestionService({ runner, history, logger: createLogger('silent') });
    service.warm(user);
    await service.settled(user.account);
    const list = await service.suggest(user, { partial: 'liste' });
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((s) => s.source === 'grammar')).toBe(true);
  });
});
