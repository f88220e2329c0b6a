// A JWKS key resolver for jwtVerify that survives a slow, down or garbage-serving SSO: it keeps the last good key
// set (stale keys keep verifying), refreshes on an unknown kid or after maxAgeMs, shares one fetch between
// concurrent callers, and waits cooldownMs between fetches so unknown-kid floods cannot storm the SSO.
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface JwksCacheOptions {
  /** Bound on one fetch of the key set. */
  timeoutMs?: number;
  /** Minimum time between two fetches (successful or not). */
  cooldownMs?: number;
  /** A key set older than this is refreshed on next use; if the refresh fails the old set stays in use. */
  maxAgeMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface JwksCache {
  readonly getKey: JWTVerifyGetKey;
  /** Fetches attempted so far (for tests and diagnostics). */
  readonly fetches: () => number;
}

export function createJwksCache(url: URL, options: JwksCacheOptions = {}): JwksCache {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  let local: JWTVerifyGetKey | undefined;
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let inflight: Promise<void> | undefined;
  let fetches = 0;

  async function load(): Promise<void> {
    fetches += 1;
    attemptedAt = now();
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
    if (!res.ok) throw new errors.JOSEError(`JWKS endpoint answered ${res.status}`);
    const body = (await res.json()) as unknown;
    if (!isKeySet(body)) throw new errors.JWKSInvalid('JWKS endpoint served something that is not a key set');
    local = createLocalJWKSet(body);
    fetchedAt = now();
  }

  /** One shared fetch at a time, and none within the cooldown. Failures keep the previous set. */
  function refresh(): Promise<void> {
    if (inflight) return inflight;
    if (now() - attemptedAt < cooldownMs) return Promise.resolve();
    inflight = load()
      .catch(() => undefined)
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (!local || now() - fetchedAt > maxAgeMs) await refresh();
    if (!local) throw new errors.JWKSTimeout('JWKS key set is not available');
    try {
      return await local(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      const before = local;
      await refresh();
      if (local === before) throw err;
      return local(header, token);
    }
  };

  return { getKey, fetches: () => fetches };
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  if (!value || typeof value !== 'object') return false;
  const keys = (value as { keys?: unknown }).keys;
  return Array.isArray(keys) && keys.every((key) => key !== null && typeof key === 'object' && !Array.isArray(key));
}
