import { describe, expect, it } from 'vitest';
import { MemorySessionRegistry } from '../src/session/registry.js';
import { MemoryHistoryStore } from '../src/store/history.js';
import { MemoryIdempotencyStore } from '../src/store/idempotency.js';
import { MemoryMailbox } from '../src/store/mailbox.js';
import { TtlMap } from '../src/store/ttl-map.js';
import { describeIdempotency, describeMailbox, describeSessionRegistry } from './helpers/store-suites.js';

describeSessionRegistry('memory', () => new MemorySessionRegistry());
describeMailbox('memory', () => new MemoryMailbox({ ttlMs: 60_000, maxPerUser: 10 }));
describeIdempotency('memory', () => new MemoryIdempotencyStore(60_000));

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

describe('memory mailbox bounds', () => {
  it('keeps at most maxPerUser responses, dropping the oldest', async () => {
    const mailbox = new MemoryMailbox({ ttlMs: 60_000, maxPerUser: 2 });
    for (const id of ['r1', 'r2', 'r3']) await mailbox.put('u', { isSuccess: true, requestId: id, metadata: { executionTime: 0 } });
    expect((await mailbox.pending('u')).map((r) => r.requestId)).toEqual(['r2', 'r3']);
  });
});

describe('memory history', () => {
  it('lists newest first, bounded per user', async () => {
    const history = new MemoryHistoryStore(3);
    for (let i = 0; i < 5; i++) {
      await history.append('u', { requestId: `r${i}`, kind: 'prompt', input: `p${i}`, at: new Date().toISOString(), response: { isSuccess: true, requestId: `r${i}`, metadata: { executionTime: 0 } } });
    }
    expect((await history.list('u', 10)).map((e) => e.requestId)).toEqual(['r4', 'r3', 'r2']);
    expect(await history.list('other', 10)).toEqual([]);
  });
});
