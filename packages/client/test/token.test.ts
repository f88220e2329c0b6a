// Pure pieces of the SDK: reading a JWT's exp without verifying it, when auth-refresh fires, reconnect delays.
import { describe, expect, it } from 'vitest';
import { mintToken } from '../../../apps/gateway/src/auth/mint.js';
import { backoffDelay } from '../src/backoff.js';
import { refreshDelayMs, tokenExpiry } from '../src/token.js';

describe('token timing', () => {
  it('reads exp from a JWT (also with a Bearer prefix), and nothing from garbage', async () => {
    const token = await mintToken('a-secret-that-is-long-enough-0123456789', { userId: 'u1', ttlSeconds: 600, name: 'Zoë ✓' });
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect(Math.abs((tokenExpiry(token) ?? 0) - exp)).toBeLessThanOrEqual(1);
    expect(tokenExpiry(`Bearer ${token}`)).toBe(tokenExpiry(token));
    expect(tokenExpiry('not-a-jwt')).toBeUndefined();
    expect(tokenExpiry('a.!!!.c')).toBeUndefined();
  });

  it('refreshes leadMs before exp, or halfway through a lifetime shorter than the lead', () => {
    const now = 1_000_000_000_000;
    const jwt = (expSeconds: number) => `h.${Buffer.from(JSON.stringify({ exp: expSeconds })).toString('base64url')}.s`;
    expect(refreshDelayMs(jwt(now / 1000 + 3600), 30_000, now)).toBe(3_570_000);
    expect(refreshDelayMs(jwt(now / 1000 + 10), 30_000, now)).toBe(5_000);
    expect(refreshDelayMs(jwt(now / 1000 - 10), 30_000, now)).toBe(0);
    expect(refreshDelayMs('h.e30.s', 30_000, now)).toBeUndefined(); // {} has no exp
  });

  it('backs off exponentially with full jitter, capped', () => {
    const options = { minDelayMs: 100, maxDelayMs: 1_000 };
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelay(5, options, () => 0)).toBe(0);
  });
});
