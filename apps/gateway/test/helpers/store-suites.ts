// Shared behaviour suites for the state interfaces. Each implementation (memory in store/memory-stores.test.ts,
// Redis in store/redis-stores.test.ts) runs the same suite, so they cannot drift apart.
import type { HistoryEntry, PromptResponse } from '@leadlovers/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRegistry } from '../../src/session/registry.js';
import type { HistoryStore } from '../../src/store/history.js';
import { PendingAbandoned, type IdempotencyStore } from '../../src/store/idempotency.js';
import type { Mailbox } from '../../src/store/mailbox.js';
import type { ConfirmingUsers } from '../../src/store/confirming-users.js';
import { sleep } from '@leadlovers/testing';

/** The bounds a suite asks a mailbox for; each test states the ones it relies on. */
export interface MailboxLimits {
  ttlMs: number;
  maxPerUser: number;
}

/** A stored response: successful unless `extra` says otherwise. */
export const response = (requestId: string, extra: Partial<PromptResponse> = {}): PromptResponse => ({
  isSuccess: true,
  requestId,
  metadata: { executionTime: 1 },
  ...extra,
});

export function describeSessionRegistry(name: string, create: () => Promise<SessionRegistry> | SessionRegistry): void {
  describe(`SessionRegistry: ${name}`, () => {
    let registry: SessionRegistry;
    beforeEach(async () => {
      registry = await create();
    });
    afterEach(() => registry.close());

    it('claims a user and returns the socket it replaces', async () => {
      expect(await registry.claim('u1', 's1')).toBeNull();
      expect(await registry.current('u1')).toBe('s1');
      expect(await registry.claim('u1', 's2')).toBe('s1');
      expect(await registry.current('u1')).toBe('s2');
    });

    it('a late release of the replaced socket keeps the new one', async () => {
      await registry.claim('u1', 's1');
      await registry.claim('u1', 's2');
      expect(await registry.release('u1', 's1')).toBe(false);
      expect(await registry.current('u1')).toBe('s2');
      expect(await registry.release('u1', 's2')).toBe(true);
      expect(await registry.current('u1')).toBeNull();
    });

    it('re-claiming with the same socket replaces nothing, and users are independent', async () => {
      await registry.claim('u1', 's1');
      expect(await registry.claim('u1', 's1')).toBeNull();
      expect(await registry.claim('u2', 's9')).toBeNull();
      expect(await registry.current('u1')).toBe('s1');
    });

    it('concurrent claims of one user leave exactly one winner, and every loser is reported as replaced', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
      const replaced = await Promise.all(ids.map((id) => registry.claim('race', id)));
      const winner = await registry.current('race');
      expect(winner).not.toBeNull();
      const kicked = replaced.filter((id): id is string => id !== null);
      expect(kicked).toHaveLength(ids.length - 1);
      expect(new Set([...kicked, winner]).size).toBe(ids.length);
    });

    it('refresh by a replaced socket changes nothing, and releasing an unknown user is a no-op', async () => {
      await registry.claim('u1', 's1');
      await registry.claim('u1', 's2');
      await registry.refresh('u1', 's1');
      await registry.refresh('u1', 's2');
      expect(await registry.current('u1')).toBe('s2');
      expect(await registry.release('nobody', 's1')).toBe(false);
      expect(await registry.current('nobody')).toBeNull();
    });
  });
}

export function describeMailbox(name: string, create: (limits: MailboxLimits) => Promise<Mailbox> | Mailbox): void {
  describe(`Mailbox: ${name}`, () => {
    const opened: Mailbox[] = [];
    const open = async (limits: Partial<MailboxLimits> = {}): Promise<Mailbox> => {
      const box = await create({ ttlMs: 60_000, maxPerUser: 10, ...limits });
      opened.push(box);
      return box;
    };
    let mailbox: Mailbox;
    beforeEach(async () => {
      mailbox = await open();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((box) => box.close()));
    });

    it('keeps responses until acknowledged, oldest first, per user', async () => {
      await mailbox.put('u1', response('r1'));
      await mailbox.put('u1', response('r2'));
      await mailbox.put('u2', response('x1'));
      expect((await mailbox.pending('u1')).map((r) => r.requestId)).toEqual(['r1', 'r2']);
      expect(await mailbox.ack('u1', 'r1')).toBe(true);
      expect(await mailbox.ack('u1', 'r1')).toBe(false);
      expect(await mailbox.ack('u2', 'r2')).toBe(false);
      expect((await mailbox.pending('u1')).map((r) => r.requestId)).toEqual(['r2']);
      expect((await mailbox.pending('u2')).map((r) => r.requestId)).toEqual(['x1']);
    });

    it('acknowledges a batch at once, counting only what was there, per user', async () => {
      for (const id of ['r1', 'r2', 'r3']) await mailbox.put('u1', response(id));
      await mailbox.put('u2', response('r1'));
      expect(await mailbox.ackMany('u1', ['r1', 'r3', 'nope', 'r3'])).toBe(2);
      expect(await mailbox.ackMany('u1', [])).toBe(0);
      expect(await mailbox.ackMany('nobody', ['r1'])).toBe(0);
      expect((await mailbox.pending('u1')).map((r) => r.requestId)).toEqual(['r2']);
      expect((await mailbox.pending('u2')).map((r) => r.requestId)).toEqual(['r1']);
      expect(await mailbox.ackMany('u1', ['r2'])).toBe(1);
      expect(await mailbox.pending('u1')).toEqual([]);
    });

    it('keeps at most maxPerUser responses, dropping the oldest', async () => {
      const small = await open({ maxPerUser: 2 });
      for (const id of ['r1', 'r2', 'r3']) await small.put('u', response(id));
      expect((await small.pending('u')).map((r) => r.requestId)).toEqual(['r2', 'r3']);
      expect(await small.ack('u', 'r1')).toBe(false);
    });

    it('stores a response put twice once, as the newest, and keeps its content', async () => {
      await mailbox.put('u', response('r1', { data: { n: 1 } }));
      await mailbox.put('u', response('r2', { data: [] }));
      await mailbox.put('u', response('r1', { data: { n: 2 } }));
      const pending = await mailbox.pending('u');
      expect(pending.map((r) => r.requestId)).toEqual(['r2', 'r1']);
      expect(pending.map((r) => r.data)).toEqual([[], { n: 2 }]);
    });

    it('drops each response once it is older than the ttl', async () => {
      // Timed against the clock rather than fixed sleeps: on a loaded machine a sleep can overrun, so r2's
      // presence is asserted whenever the read provably happened inside its ttl (always, unless the machine stalled).
      const ttlMs = 800;
      const short = await open({ ttlMs });
      await short.put('u', response('r1'));
      const r1At = Date.now(); // r1 was stored at or before this
      await sleep(ttlMs / 2);
      const r2At = Date.now(); // r2 was stored at or after this
      await short.put('u', response('r2'));
      const r2Done = Date.now(); // ... and at or before this
      await sleep(Math.max(0, r1At + ttlMs + 100 - Date.now()));
      const pending = (await short.pending('u')).map((r) => r.requestId);
      const readDone = Date.now();
      expect(pending).not.toContain('r1');
      if (readDone - r2At < ttlMs) expect(pending).toEqual(['r2']);
      await sleep(Math.max(0, r2Done + ttlMs + 100 - Date.now()));
      expect(await short.pending('u')).toEqual([]);
    });
  });
}

export function describeIdempotency(name: string, create: () => Promise<IdempotencyStore> | IdempotencyStore): void {
  describe(`IdempotencyStore: ${name}`, () => {
    let store: IdempotencyStore;
    beforeEach(async () => {
      store = await create();
    });
    afterEach(() => store.close());

    it('answers a repeated key with the stored response, scoped per user', async () => {
      expect(await store.begin('u1', 'r1', 'f')).toEqual({ status: 'new' });
      await store.complete('u1', 'r1', response('r1', { data: 1 }));
      expect(await store.begin('u1', 'r1', 'f')).toEqual({ status: 'done', response: response('r1', { data: 1 }) });
      expect(await store.begin('u2', 'r1', 'f')).toEqual({ status: 'new' });
    });

    it('refuses a key reused for another payload', async () => {
      await store.begin('u1', 'r1', 'f1');
      expect(await store.begin('u1', 'r1', 'f2')).toEqual({ status: 'mismatch' });
    });

    it('lets a retry wait for the attempt in flight', async () => {
      await store.begin('u1', 'r1', 'f');
      const second = await store.begin('u1', 'r1', 'f');
      expect(second.status).toBe('pending');
      await store.complete('u1', 'r1', response('r1', { data: 'first' }));
      if (second.status === 'pending') expect((await second.wait).data).toBe('first');
    });

    it('forgets an abandoned key so the request can run later', async () => {
      await store.begin('u1', 'r1', 'f');
      await store.abandon('u1', 'r1', response('r1', { isSuccess: false, code: 'RATE_LIMITED' }));
      expect(await store.begin('u1', 'r1', 'f')).toEqual({ status: 'new' });
    });

    it('settles a retry that waits on an abandoned attempt instead of leaving it hanging', async () => {
      await store.begin('u1', 'r1', 'f');
      const second = await store.begin('u1', 'r1', 'f');
      if (second.status !== 'pending') throw new Error(`expected pending, got ${second.status}`);
      // Memory hands the waiter the refusal itself; Redis cannot, so the waiter is told to take the request over.
      // The handlers are attached first: a polling waiter may settle while abandon() is still on its way.
      const settled = second.wait.then(
        (r) => r.code,
        (err: unknown) => (err instanceof PendingAbandoned ? 'take over' : 'something else'),
      );
      await store.abandon('u1', 'r1', response('r1', { isSuccess: false, code: 'RATE_LIMITED' }));
      const outcome = await settled;
      expect(['RATE_LIMITED', 'take over']).toContain(outcome);
    });

    it('stores nothing when completing a key that was never begun', async () => {
      await store.complete('u1', 'ghost', response('ghost'));
      expect(await store.begin('u1', 'ghost', 'f')).toEqual({ status: 'new' });
    });

    it('keeps users apart even when ids contain separators', async () => {
      expect(await store.begin('a:b', 'c', 'f1')).toEqual({ status: 'new' });
      expect(await store.begin('a', 'b:c', 'f2')).toEqual({ status: 'new' });
    });
  });
}

const entry = (i: number): HistoryEntry => ({
  requestId: `r${i}`,
  kind: 'prompt',
  input: `p${i}`,
  at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  response: response(`r${i}`, { data: { i } }),
});

export function describeHistory(name: string, create: (maxPerUser: number) => Promise<HistoryStore> | HistoryStore): void {
  describe(`HistoryStore: ${name}`, () => {
    let history: HistoryStore;
    beforeEach(async () => {
      history = await create(3);
    });
    afterEach(() => history.close());

    it('lists newest first, bounded per user and by the limit asked for', async () => {
      for (let i = 0; i < 5; i++) await history.append('u', entry(i));
      expect(await history.list('u', 10)).toEqual([entry(4), entry(3), entry(2)]);
      expect((await history.list('u', 2)).map((e) => e.requestId)).toEqual(['r4', 'r3']);
      expect(await history.list('u', 0)).toEqual([]);
      expect(await history.list('other', 10)).toEqual([]);
    });
  });
}

export function describeConfirmingUsers(name: string, create: (ttlMs: number) => Promise<ConfirmingUsers> | ConfirmingUsers): void {
  describe(`ConfirmingUsers: ${name}`, () => {
    it('knows a user only once they confirmed, per user, and shares it between two handles on the same store', async () => {
      const users = await create(60_000);
      expect(await users.has('u1')).toBe(false);
      await users.add('u1');
      await users.add('u1');
      expect(await users.has('u1')).toBe(true);
      expect(await users.has('u2')).toBe(false);
      await users.close();
    });

    it('forgets a user after the TTL', async () => {
      const users = await create(1_000);
      await users.add('short');
      expect(await users.has('short')).toBe(true);
      await sleep(1_300);
      expect(await users.has('short')).toBe(false);
      await users.close();
    });
  });
}
