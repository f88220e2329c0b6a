// suggest-prompts for the gateway: the user's recent history plus the account's cached data candidates, ranked by
// the engine. The account cache is warmed when a socket connects and refreshed in the background; a suggestion
// never waits for it (a cold cache answers from grammar and history), and waits for history only briefly.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuthenticatedUser, HistoryEntry, PromptSuggestion } from '@leadlovers/protocol';
import type { Logger } from 'pino';
import type { ToolRunner } from '../mcp/types.js';
import type { Language } from '../planner/types.js';
import type { HistoryStore } from '../store/history.js';
import { fetchAccountData } from './account-data.js';
import { RefreshCache } from './cache.js';
import { buildDataCandidates, type Candidate } from './candidates.js';
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
  maxMachines?: number;
  /** Accounts loading at once, node-wide: a reconnect storm must not fill the MCP pool with suggestion reads. */
  maxConcurrentLoads?: number;
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

export function createSuggestionService(options: SuggestionServiceOptions): SuggestionService {
  const { runner, history, logger } = options;
  const historyEntries = options.historyEntries ?? 50;
  const historyTimeoutMs = options.historyTimeoutMs ?? 250;
  const memo = new PlanMemo();
  const gate = concurrencyGate(options.maxConcurrentLoads ?? 2);
  const accounts = new RefreshCache<string, readonly Candidate[]>({
    ttlMs: options.ttlMs ?? 60_000,
    retryMs: 10_000,
    maxEntries: options.maxAccounts ?? 1_000,
    onError: (account, err) => logger.debug({ err, account }, 'suggestions: could not read the account data'),
  });

  const loader = (user: AuthenticatedUser) => (): Promise<readonly Candidate[]> =>
    gate(async () => {
      const caller = { account: user.account, userId: user.id, requestId: `suggest-${randomUUID()}` };
      const data = await fetchAccountData(runner, caller, { maxMachines: options.maxMachines ?? 12, concurrency: 2 });
      return buildDataCandidates(data, memo, { pause: () => nextTurn() });
    });

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
      const data = accounts.peek(user.account, loader(user));
      return suggestPrompts({ partial: payload.partial, language: payload.language, history: entries, data }, memo);
    },
    warm(user) {
      // Requests already queue in the pool: leave it to them; the first suggestion will load the data instead.
      if (runner.stats().queued > 0) return;
      accounts.peek(user.account, loader(user));
    },
    settled: (account) => accounts.settled(account),
  };
}
