import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../src/lifecycle/admission.js';
import { createInFlightTracker } from '../../src/lifecycle/drain.js';
import { sleep } from '@leadlovers/testing';

describe('admission', () => {
  it('refuses with OVERLOADED above the memory limit, and recovers below it', async () => {
    let rss = 200;
    const admission = createAdmission({ maxConnections: 0, maxRssBytes: 100, connections: () => 0, rss: () => rss, sampleIntervalMs: 10 });
    try {
      expect(admission.refusal()?.code).toBe('OVERLOADED');
      expect(admission.hasCapacity()).toBe(false);
      rss = 50;
      await sleep(50);
      expect(admission.refusal()).toBeNull();
    } finally {
      admission.close();
    }
  });

  it('draining wins over capacity, and limits of 0 mean none', () => {
    const admission = createAdmission({ maxConnections: 0, maxRssBytes: 0, connections: () => 1_000_000 });
    expect(admission.refusal()).toBeNull();
    admission.startDraining();
    expect(admission.refusal()?.code).toBe('SERVER_DRAINING');
    expect(admission.hasCapacity()).toBe(true);
    admission.close();
  });
});

describe('in-flight tracker', () => {
  it('resolves idle when the last request ends, or false at the timeout', async () => {
    const tracker = createInFlightTracker();
    expect(await tracker.idle(10)).toBe(true);
    let finish: () => void = () => undefined;
    const work = tracker.track(new Promise<void>((resolve) => (finish = resolve)));
    expect(tracker.count).toBe(1);
    expect(await tracker.idle(20)).toBe(false);
    const idle = tracker.idle(5_000);
    finish();
    await work;
    expect(await idle).toBe(true);
    expect(tracker.count).toBe(0);
  });
});
