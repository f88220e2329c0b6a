// Each user's recent prompts and their responses, newest first, bounded per user (get-history). The in-memory store
// keeps each entry as its JSON text in UTF-8 bytes, as Redis does: a node holds up to HISTORY_LIMIT entries per
// user, and one byte array per entry costs a fraction of the live response objects (and half of a JS string, which
// takes two bytes a character as soon as the text has an em dash), sits outside the JS heap and gives the GC
// nothing to trace or move, while get-history (rare next to appends) decodes what it lists.
import type { HistoryEntry } from '@leadlovers/protocol';
import { TtlMap } from './ttl-map.js';

export interface HistoryStore {
  append(userId: string, entry: HistoryEntry): Promise<void>;
  list(userId: string, limit: number): Promise<HistoryEntry[]>;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class MemoryHistoryStore implements HistoryStore {
  private readonly byUser: TtlMap<string, Uint8Array[]>;

  constructor(
    private readonly maxPerUser: number,
    ttlMs = 7 * 86_400_000,
    maxUsers = 100_000,
  ) {
    this.byUser = new TtlMap(ttlMs, maxUsers);
  }

  async append(userId: string, entry: HistoryEntry): Promise<void> {
    const entries = this.byUser.get(userId) ?? [];
    entries.unshift(encoder.encode(JSON.stringify(entry)));
    if (entries.length > this.maxPerUser) entries.length = this.maxPerUser;
    this.byUser.set(userId, entries);
  }

  async list(userId: string, limit: number): Promise<HistoryEntry[]> {
    return (this.byUser.get(userId) ?? []).slice(0, limit).map((bytes) => JSON.parse(decoder.decode(bytes)) as HistoryEntry);
  }

  async close(): Promise<void> {
    this.byUser.clear();
  }
}
