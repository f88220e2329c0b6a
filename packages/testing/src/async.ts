// Waiting in tests: a plain pause, and polling until state that settles asynchronously is there. A pause says
// "nothing more happens within this long" or paces a load; to wait *for* something, poll with eventually(), so a
// slow machine makes a test slower, not red.

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check() is truthy, at most `attempts` times: for state that settles asynchronously. */
export async function eventually<T>(check: () => T | Promise<T>, attempts = 100, intervalMs = 50): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await check();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new Error(`condition not met after ${attempts} attempts (last: ${JSON.stringify(last)})`);
}
