import { describe, expect, it } from 'vitest';
import { MemorySessionRegistry } from '../../src/session/registry.js';
import { MemoryHistoryStore } from '../../src/store/history.js';
import { MemoryIdempotencyStore } from '../../src/store/idempotency.js';
import { MemoryMailbox } from '../../src/store/mailbox.js';
import { TtlMap } from '../../src/store/ttl-map.js';
import { MemoryConfirmingUsers } from '../../src/store/confirming-users.js';
import { describeConfirmingUsers, describeHistory, describeIdempotency, describeMailbox, describeSessionRegistry } from '../helpers/store-suites.js';

describeSessionRegistry('memory', () => new MemorySessionRegistry());
describeMailbox('memory', (limits) => new MemoryMailbox(limits));
describeIdempotency('memory', () => new MemoryIdempotencyStore(60_000));
describeHistory('memory', (maxPerUser) => new MemoryHistoryStore(maxPerUser));
describeConfirmingUsers('memory', (ttlMs) => new MemoryConfirmingUsers({ ttlMs }));

describe('TtlMap', () => {
  it('expires entries and bounds its size', () => {
    let now = 0;
    const map = new TtlMap<string, number>(1000, 2, () => now);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('a')).toBeUndefined();
    expect(map.values()).toEqual([2, 3]);
    now = 1001;
    expect(map.get('b')).toBeUndefined();
    expect(map.values()).toEqual([]);
  });
});

describe('MemoryHistoryStore bounds', () => {
  const entry = (requestId: string, text = 'x'.repeat(200)) => ({
    requestId,
    kind: 'prompt' as const,
    input: text,
    at: '2026-11-30T12:00:00.000Z',
    response: { isSuccess: true, requestId, message: 'Máquina — ok', metadata: { executionTime: 1 } },
  });
  const size = (e: ReturnType<typeof entry>) => new TextEncoder().encode(JSON.stringify(e)).length;

  it('keeps its bytes under the budget by dropping the users written longest ago, whole', async () => {
    const one = size(entry('r-0'));
    const store = new MemoryHistoryStore(10, { maxBytes: one * 6 });
    for (const user of ['a', 'b', 'c']) for (let i = 0; i < 2; i++) await store.append(user, entry(`r-${i}`));
    expect(store.bytes).toBe(one * 6);
    await store.append('a', entry('r-2')); // a is now the most recently written user
    expect(store.bytes).toBeLessThanOrEqual(one * 6);
    expect(await store.list('b', 10)).toEqual([]);
    expect((await store.list('a', 10)).map((e) => e.requestId)).toEqual(['r-2', 'r-1', 'r-0']);
    expect(await store.list('c', 10)).toHaveLength(2);
  });

  it('trims a lone user over the budget to its newest entries, and round-trips non-ASCII text', async () => {
    const one = size(entry('r-0', 'ç'.repeat(100)));
    const store = new MemoryHistoryStore(10, { maxBytes: one * 2 });
    for (let i = 0; i < 5; i++) await store.append('a', entry(`r-${i}`, 'ç'.repeat(100)));
    const listed = await store.list('a', 10);
    expect(listed.map((e) => e.requestId)).toEqual(['r-4', 'r-3']);
    expect(listed[0]?.input).toBe('ç'.repeat(100));
    expect(listed[0]?.response.message).toBe('Máquina — ok');
    expect(store.bytes).toBe(one * 2);
  });

  it("forgets a user's history after its ttl, and gives its bytes back", async () => {
    let now = 0;
    const store = new MemoryHistoryStore(10, { ttlMs: 1_000, now: () => now });
    await store.append('a', entry('r-0'));
    expect(store.bytes).toBeGreaterThan(0);
    now = 1_001;
    expect(await store.list('a', 10)).toEqual([]);
    expect(store.bytes).toBe(0);
  });
});
