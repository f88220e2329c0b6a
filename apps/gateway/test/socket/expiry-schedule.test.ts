// The node-wide token-expiry timer (socket/expiry-schedule.ts): every item expires at its time, never before it by
// the wall clock, exactly once; a rescheduled item follows its new expiry and an unscheduled one never expires.
// End to end (a live socket told TOKEN_EXPIRED and disconnected on time) is security/expiry.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExpirySchedule } from '../../src/socket/expiry-schedule.js';

const T0 = 1_000_000;

/** `clock.lagMs`: how far the schedule's wall clock is behind the timers' clock (a clock stepped back). */
function scheduleWith() {
  const at = new Map<string, number | null>();
  const expired: Array<[string, number]> = [];
  const clock = { lagMs: 0 };
  const schedule = createExpirySchedule<string>({
    expiryOf: (item) => at.get(item) ?? null,
    onExpire: (item) => expired.push([item, Date.now() - clock.lagMs]),
    now: () => Date.now() - clock.lagMs,
  });
  const set = (item: string, next: number | null) => {
    schedule.reschedule(item, at.get(item) ?? null, next);
    at.set(item, next);
  };
  return { schedule, set, expired, clock };
}

describe('expiry schedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each item at its time, in order, once; rescheduled items follow their new expiry, removed ones never expire', () => {
    vi.useFakeTimers({ now: T0 });
    const { schedule, set, expired } = scheduleWith();
    set('a', T0 + 500);
    set('b', T0 + 2_300);
    set('c', T0 + 700);
    set('d', T0 + 5_000);
    set('e', T0 + 2_300);
    set('c', T0 + 3_000); // an auth-refresh moved it later
    set('d', null); // disconnected
    set('f', T0 + 100);
    set('f', T0 + 1_500); // and a refresh before the timer armed for it fired
    expect(schedule.size).toBe(5);
    vi.advanceTimersByTime(499);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([['a', T0 + 500]]);
    vi.advanceTimersByTime(10_000);
    expect(expired).toEqual([
      ['a', T0 + 500],
      ['f', T0 + 1_500],
      ['b', T0 + 2_300],
      ['e', T0 + 2_300],
      ['c', T0 + 3_000],
    ]);
    expect(schedule.size).toBe(0);
    schedule.close();
  });

  it('an expiry already past fires at once; a timer firing before the wall clock reaches the expiry waits for it', () => {
    vi.useFakeTimers({ now: T0 });
    const { schedule, set, expired, clock } = scheduleWith();
    set('late', T0 - 5_000);
    set('x', T0 + 100);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([['late', T0 + 1]]);
    // The wall clock steps back 5 ms: the timer armed for T0 + 100 finds nothing due by it and re-arms.
    clock.lagMs = 5;
    vi.advanceTimersByTime(103);
    expect(expired).toEqual([['late', T0 + 1]]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([
      ['late', T0 + 1],
      ['x', T0 + 100],
    ]);
    schedule.close();
  });

  it('close stops the timer: nothing expires afterwards', () => {
    vi.useFakeTimers({ now: T0 });
    const { schedule, set, expired } = scheduleWith();
    set('a', T0 + 10);
    schedule.close();
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([]);
    expect(schedule.size).toBe(0);
  });
});
