import { describe, expect, it } from 'vitest';
import { MemorySessionRegistry } from '../src/session/registry.js';
import { MemoryHistoryStore } from '../src/store/history.js';
import { MemoryIdempotencyStore } from '../src/store/idempotency.js';
import { MemoryMailbox } from '../src/store/mailbox.js';
import { TtlMap } from '../src/store/ttl-map.js';
import { describeHistory, describeIdempotency, describeMailbox, describeSessionRegistry } from './helpers/store-suites.js';

describeSessionRegistry('memory', () => new MemorySessionRegistry());
describeMailbox('memory', (limits) => new MemoryMailbox(limits));
describeIdempotency('memory', () => new MemoryIdempotencyStore(60_000));
describeHistory('memory', (maxPerUser) => new MemoryHistoryStore(maxPerUser));

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
