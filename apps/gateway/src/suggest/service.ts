// suggest-prompts for the gateway: the user's recent history plus the account's cached data candidates, ranked by
// the engine. The account cache is warmed when a socket connects and refreshed in the background; a suggestion
// never waits for it (a cold cache answers from grammar and history), and waits for history only briefly.
// Every connected account is cached, so the cache keeps candidates in their planned form (a few bytes each, see
// candidates.ts PlannedCandidates); only the accounts someone is typing in keep their candidates written out.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuthenticatedUser, HistoryEntry, PromptSuggestion } from '@leadlovers/protocol';
import type { Logger } from 'pino';
import type { ToolRunner } from '../mcp/types.js';
import type { Language } from '../planner/types.js';
import type { HistoryStore } from '../store/history.js';
import { fetchAccountData } from './account-data.js';
import { RefreshCache } from './cache.js';
import { planDataCandidates, writeCandidates, type Candidate, type PlannedCandidates } from './candidates.js';
import { suggestPrompts } from './engine.js';
import { PlanMemo } from './plans.js';

export interface SuggestionServiceOptions {
  runner: ToolRunner;
  history: HistoryStore;
  logger: Logger;
  /** How many of the user's latest history entries are considered. */
  historyEntries?: number;
  /** How long a suggestion waits for the history store before answering without it. */
  historyTimeoutMs?: number;
  /** How long an account's machines and sequences are served before they are read again. */
  ttlMs?: number;
  maxAccounts?: number;
  /** Accounts whose candidates stay written out between keystrokes (the others are written out on demand). */
  maxWrittenAccounts?: number;
  maxMachines?: number;
  /** Accounts loading at once, node-wide: a reconnect storm must not fill the MCP pool with suggestion reads. */
  maxConcurrentLoads?: number;
  /**
   * Account loads started by connects (warm-ups) per second, node-wide, with as many in a burst. A connect storm
   * (a node restarting, thousands of reconnects) would otherwise start a load for every account at once: the MCP
   * calls' garbage, interleaved with the new connections' state, left the node's memory tens of MB above what the
   * connections hold. Accounts over the budget load on their first suggestion instead, as when the pool is busy.
   */
  maxWarmupsPerSecond?: number;
}

export interface SuggestionService {
  suggest(user: AuthenticatedUser, payload: { partial: string; language?: Language | undefined }): Promise<PromptSuggestion[]>;
  /** Starts loading the account's data if it is not cached, so the first keystroke has it. */
  warm(user: AuthenticatedUser): void;
  /** Resolves when the account's data load in progress (if any) is done; for tests. */
  settled(account: string): Promise<void>;
}

/** Runs at most `max` tasks at once; the rest wait their turn (a finishing task hands its slot to the next). */
function concurrencyGate(max: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** A token bucket: `rate` per second, at most `rate` saved up. */
function rateBudget(rate: number, now: () => number = Date.now) {
  let tokens = rate;
  let at = now();
  return (): boolean => {
    const t = now();
    tokens = Math.min(rate, tokens + ((t - at) / 1000) * rate);
    at = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export function createSuggestionService(options: SuggestionServiceOptions): SuggestionService {
  const { runner, history, logger } = options;
  const historyEntries = options.historyEntries ?? 50;
  const historyTimeoutMs = options.historyTimeoutMs ?? 250;
  const memo = new PlanMemo();
  const gate = concurrencyGate(options.maxConcurrentLoads ?? 2);
  const accounts = new RefreshCache<string, PlannedCandidates>({
    ttlMs: options.ttlMs ?? 60_000,
    retryMs: 10_000,
    maxEntries: options.maxAccounts ?? 1_000,
    onError: (account, err) => logger.debug({ err, account }, 'suggestions: could not read the account data'),
  });

  const maxWritten = options.maxWrittenAccounts ?? 64;
  const warmBudget = rateBudget(options.maxWarmupsPerSecond ?? 10);
  /** LRU of written-out candidates, each with the planned value it was written from (a refresh replaces that). */
  const written = new Map<string, { from: PlannedCandidates; candidates: readonly Candidate[] }>();

  const loader = (user: AuthenticatedUser) => (): Promise<PlannedCandidates> =>
    gate(async () => {
      const caller = { account: user.account, userId: user.id, requestId: `suggest-${randomUUID()}` };
      const data = await fetchAccountData(runner, caller, { maxMachines: options.maxMachines ?? 12, concurrency: 2 });
      return planDataCandidates(data, memo, { pause: () => nextTurn() });
    });

  function candidatesOf(account: string, planned: PlannedCandidates | undefined): readonly Candidate[] | undefined {
    if (!planned) return undefined;
    const known = written.get(account);
    written.delete(account);
    const entry = known?.from === planned ? known : { from: planned, candidates: writeCandidates(planned) };
    written.set(account, entry);
    if (written.size > maxWritten) {
      const oldest = written.keys().next();
      if (!oldest.done) written.delete(oldest.value);
    }
    return entry.candidates;
  }

  async function recentHistory(user: AuthenticatedUser): Promise<readonly HistoryEntry[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<HistoryEntry[]>((resolve) => {
      timer = setTimeout(() => resolve([]), historyTimeoutMs);
    });
    try {
      return await Promise.race([history.list(user.id, historyEntries), timeout]);
    } catch (err) {
      // Store unreachable: suggestions still come from grammar and data.
      logger.debug({ err, userId: user.id }, 'suggestions: history unavailable');
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async suggest(user, payload) {
      const entries = await recentHistory(user);
      const data = candidatesOf(user.account, accounts.peek(user.account, loader(user)));
      return suggestPrompts({ partial: payload.partial, language: payload.language, history: entries, data }, memo);
    },
    warm(user) {
      // Requests already queue in the pool, or connects come faster than the warm-up budget: leave it; the
      // first suggestion will load the data instead.
      if (runner.stats().queued > 0 || (accounts.due(user.account) && !warmBudget())) return;
      accounts.peek(user.account, loader(user));
    },
    settled: (account) => accounts.settled(account),
  };
}
