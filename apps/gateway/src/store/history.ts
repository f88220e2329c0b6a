// Each user's recent prompts and their responses, newest first, bounded per user (get-history). The in-memory store
// keeps each entry as its JSON text in UTF-8 bytes, as Redis does: one byte array per entry costs a fraction of the
// live response objects (and half of a JS string, which takes two bytes a character as soon as the text has an em
// dash), sits outside the JS heap and gives the GC nothing to trace or move, while get-history (rare next to
// appends) decodes what it lists. A single node also bounds the whole store in bytes: HISTORY_LIMIT entries for
// every user who ever asked something would grow without end (a 30-minute soak of 3 690 users already kept 75 MB),
// so past the budget the users written longest ago lose their history first.
import type { HistoryEntry } from '@leadlovers/protocol';

export interface HistoryStore {
  append(userId: string, entry: HistoryEntry): Promise<void>;
  /** append() of an entry already serialized (historyEntryJson), where the store keeps entries as text. */
  appendJson?(userId: string, json: string): Promise<void>;
  list(userId: string, limit: number): Promise<HistoryEntry[]>;
  /** Bytes this node holds for every user together, where the store lives in this process (memory); else absent. */
  readonly bytes?: number;
  close(): Promise<void>;
}

export interface MemoryHistoryOptions {
  /** How long a user's history lives after its last entry (default 7 days, as in Redis). */
  ttlMs?: number;
  /** Bound on the bytes of every user's entries together (default 256 MiB). */
  maxBytes?: number;
  now?: () => number;
}

interface UserHistory {
  entries: Uint8Array[];
  bytes: number;
  expiresAt: number;
}

/** The JSON of an entry up to its response: `historyEntryHead(entry) + responseJson + '}'` is the entry's JSON. */
export function historyEntryHead(entry: Omit<HistoryEntry, 'response'>): string {
  const head = JSON.stringify(entry).slice(0, -1);
  return head === '{' ? '{"response":' : `${head},"response":`;
}

/** JSON.stringify({ ...entry, response }) from the response's JSON, without serializing the response again. */
export function historyEntryJson(entry: Omit<HistoryEntry, 'response'>, responseJson: string): string {
  return `${historyEntryHead(entry)}${responseJson}}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class MemoryHistoryStore implements HistoryStore {
  /** In order of last write, oldest first (a write moves the user to the end). */
  private readonly byUser = new Map<string, UserHistory>();
  private readonly ttlMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  #bytes = 0;

  constructor(
    private readonly maxPerUser: number,
    options: MemoryHistoryOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 7 * 86_400_000;
    this.maxBytes = options.maxBytes ?? 256 * 1_048_576;
    this.now = options.now ?? Date.now;
  }

  /** Bytes held for every user together. */
  get bytes(): number {
    return this.#bytes;
  }

  async append(userId: string, entry: HistoryEntry): Promise<void> {
    return this.appendJson(userId, JSON.stringify(entry));
  }

  async appendJson(userId: string, json: string): Promise<void> {
    const bytes = encoder.encode(json);
    const history = this.#live(userId) ?? { entries: [], bytes: 0, expiresAt: 0 };
    this.byUser.delete(userId);
    history.entries.unshift(bytes);
    history.bytes += bytes.length;
    this.#bytes += bytes.length;
    while (history.entries.length > this.maxPerUser) this.#dropOldestEntry(history);
    history.expiresAt = this.now() + this.ttlMs;
    this.byUser.set(userId, history);
    // Users written longest ago go first; this user's own oldest entries only when it is alone over the budget.
    for (const [oldUser, old] of this.byUser) {
      if (this.#bytes <= this.maxBytes) break;
      if (oldUser === userId) {
        while (this.#bytes > this.maxBytes && history.entries.length > 1) this.#dropOldestEntry(history);
        break;
      }
      this.#forget(oldUser, old);
    }
  }

  async list(userId: string, limit: number): Promise<HistoryEntry[]> {
    return (this.#live(userId)?.entries ?? []).slice(0, limit).map((bytes) => JSON.parse(decoder.decode(bytes)) as HistoryEntry);
  }

  async close(): Promise<void> {
    this.byUser.clear();
    this.#bytes = 0;
  }

  #live(userId: string): UserHistory | undefined {
    const history = this.byUser.get(userId);
    if (history && history.expiresAt <= this.now()) {
      this.#forget(userId, history);
      return undefined;
    }
    return history;
  }

  #dropOldestEntry(history: UserHistory): void {
    const dropped = history.entries.pop();
    if (!dropped) return;
    history.bytes -= dropped.length;
    this.#bytes -= dropped.length;
  }

  #forget(userId: string, history: UserHistory): void {
    this.byUser.delete(userId);
    this.#bytes -= history.bytes;
  }
}
