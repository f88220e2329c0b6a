// The request's identity: the requestId it answers under (the client's, or one made here) and the payload's
// fingerprint for idempotency.
import * as crypto from 'node:crypto';
import { MAX_REQUEST_ID_LENGTH, REQUEST_ID_PATTERN } from '@leadlovers/protocol';

/** The client's requestId when it is usable, else a server-made one, so even a refusal can be correlated. */
export function requestIdOf(payload: unknown): string {
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    // requestIdSchema's rules, checked by hand: this runs on every request, before the payload's own validation.
    const id = (payload as Record<string, unknown>).requestId;
    if (typeof id === 'string' && id.length >= 1 && id.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID_PATTERN.test(id)) return id;
  }
  return `srv-${crypto.randomUUID()}`;
}

// crypto.hash (Node ≥ 20.12) is the one-shot form, cheaper than a Hash object per request; same digest.
const sha256 = (text: string): string =>
  typeof crypto.hash === 'function' ? (crypto.hash('sha256', text, 'base64url') as string) : crypto.createHash('sha256').update(text).digest('base64url');

export function fingerprint(value: unknown): string {
  return sha256(stableStringify(value));
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
