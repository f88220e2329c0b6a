// Shared behaviour suites for the state interfaces. Each implementation (memory now, Redis with the cluster)
// runs the same suite, so they cannot drift apart.
import type { PromptResponse } from '@leadlovers/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRegistry } from '../../src/session/registry.js';
import type { IdempotencyStore } from '../../src/store/idempotency.js';
import type { Mailbox } from '../../src/store/mailbox.js';

const response = (requestId: string, extra: Partial<PromptResponse> = {}): PromptResponse => ({
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
  });
}

export function describeMailbox(name: string, create: () => Promise<Mailbox> | Mailbox): void {
  describe(`Mailbox: ${name}`, () => {
    let mailbox: Mailbox;
    beforeEach(async () => {
      mailbox = await create();
    });
    afterEach(() => mailbox.close());

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
  });
}
