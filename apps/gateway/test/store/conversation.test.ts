// The conversation store (send-prompt's conversationId): one behaviour suite run against memory and a real
// Redis, then the Redis key layout. Without Redis these tests fail, never skip (like redis-stores.test.ts).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryConversationStore, type ConversationMessage, type ConversationStore } from '../../src/store/conversation.js';
import { RedisConversationStore } from '../../src/store/redis-conversation.js';
import { useTestRedis } from '../helpers/redis-clients.js';

const prefix = `test:${randomUUID().slice(0, 8)}:`;
const { redis } = useTestRedis(prefix);
let scope = 0;

const turn = (n: number): ConversationMessage[] => [
  { role: 'user', content: `prompt ${n}` },
  { role: 'assistant', content: `answer ${n}` },
];

function describeConversations(name: string, create: (maxMessages: number) => ConversationStore): void {
  describe(`${name} conversation store`, () => {
    it('keeps turns in order, per user and conversation', async () => {
      const store = create(20);
      await store.append('u1', 'c1', turn(1));
      await store.append('u1', 'c1', turn(2));
      await store.append('u1', 'c2', turn(9));
      expect(await store.load('u1', 'c1')).toEqual([...turn(1), ...turn(2)]);
      expect(await store.load('u1', 'c2')).toEqual(turn(9));
      expect(await store.load('u2', 'c1')).toEqual([]);
    });

    it('keeps only the newest maxMessages, starting at a user message', async () => {
      const store = create(5);
      for (let n = 1; n <= 4; n += 1) await store.append('u1', 'c1', turn(n));
      // The newest five are answer 2, prompt 3, answer 3, prompt 4, answer 4: a leading answer is dropped on load.
      expect(await store.load('u1', 'c1')).toEqual([...turn(3), ...turn(4)]);
    });
  });
}

describeConversations('memory', (maxMessages) => new MemoryConversationStore(maxMessages));
describeConversations('redis', (maxMessages) => new RedisConversationStore(redis, { prefix: `${prefix}${++scope}:`, maxMessages }));

describe('redis conversation store keys', () => {
  it('is one capped list per user and conversation, with a 24 h TTL', async () => {
    const store = new RedisConversationStore(redis, { prefix: `${prefix}keys:`, maxMessages: 4 });
    for (let n = 1; n <= 3; n += 1) await store.append('user-7', 'conv-1', turn(n));
    const key = `${prefix}keys:ws:conversation:{user-7}:conv-1`;
    expect(store.key('user-7', 'conv-1')).toBe(key);
    expect(await redis.llen(key)).toBe(4);
    expect(JSON.parse((await redis.lindex(key, 0))!)).toEqual({ role: 'user', content: 'prompt 2' });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600_000);
  });
});
