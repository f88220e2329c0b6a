import { describe, expect, it } from 'vitest';
import { historyEntryJson } from '../../src/store/history.js';

describe('historyEntryJson', () => {
  it('is JSON.stringify of the whole entry, built from the response JSON', () => {
    const response = { isSuccess: true, requestId: 'r-1', message: 'Lançamento — “ok”\n', metadata: { executionTime: 2 } };
    const entry = { requestId: 'r-1', kind: 'prompt' as const, input: 'liste "máquinas"', at: '2026-12-03T15:00:00.000Z' };
    expect(historyEntryJson(entry, JSON.stringify(response))).toBe(JSON.stringify({ ...entry, response }));
    expect(JSON.parse(historyEntryJson({} as typeof entry, '{}'))).toEqual({ response: {} });
  });
});
