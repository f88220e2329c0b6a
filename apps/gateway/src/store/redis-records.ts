// The JSON of a request's record in Redis (`ws:request:{<user>}:<requestId>`), shared by the idempotency claim,
// the mailbox and the request state's scripts: `{ fingerprint, state: 'pending' }` while the request runs, then
// `{ fingerprint, state: 'done', at, response }`. The response is spliced in as the caller serialised it, so a
// script never re-encodes it (a cjson round trip would turn [] into {}), and the first fields have a fixed shape
// that a script can recognise without decoding the rest.
import type { PromptResponse } from '@leadlovers/protocol';

export type RequestRecord =
  | { fingerprint: string; state: 'pending' }
  | { fingerprint: string; state: 'done'; at: number; response: PromptResponse };

/** What every record starts with: a script tells our records from anything else by it. */
export const RECORD_HEAD = '{"fingerprint":';

export function pendingRecord(fingerprint: string): string {
  return `${RECORD_HEAD}${JSON.stringify(fingerprint)},"state":"pending"}`;
}

/** The record of an answered request up to its response: append the response's JSON and '}'. */
export function doneRecordHead(fingerprint: string, at: number): string {
  return `${RECORD_HEAD}${JSON.stringify(fingerprint)},"state":"done","at":${at},"response":`;
}

export function doneRecord(fingerprint: string, at: number, response: PromptResponse): string {
  return `${doneRecordHead(fingerprint, at)}${JSON.stringify(response)}}`;
}

/** A record read back, or undefined when the value is not one of ours. */
export function parseRecord(raw: string): RequestRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<{ fingerprint: unknown; state: unknown; at: unknown; response: unknown }> | null;
    if (typeof value?.fingerprint !== 'string') return undefined;
    if (value.state === 'pending') return { fingerprint: value.fingerprint, state: 'pending' };
    const response = value.response as PromptResponse | null | undefined;
    if (value.state === 'done' && typeof response === 'object' && response !== null && typeof response.requestId === 'string') {
      return { fingerprint: value.fingerprint, state: 'done', at: typeof value.at === 'number' ? value.at : 0, response };
    }
  } catch {
    // not ours: treated as absent
  }
  return undefined;
}
