// The V8 CPU profiler on a bench server's main thread (node:inspector), as two IPC handlers for bench/run.ts:
// profile-start, then profile-stop { file } writes the .cpuprofile there. BENCH_ALLOC_PROFILE=1 also samples every
// allocation over the same phase (including objects the GC has already collected) into a .heapprofile beside it,
// which Chrome DevTools opens: where the garbage a request makes comes from. BENCH_ALLOC_PROFILE=promoted leaves
// out what a scavenge collected: what is left survived the young generation (promoted, or still live), the
// allocations that cost mark-compacts.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const allocProfile = ['1', 'promoted'].includes(process.env.BENCH_ALLOC_PROFILE ?? '') ? process.env.BENCH_ALLOC_PROFILE : undefined;

export function profilerHandlers(): Record<'profile-start' | 'profile-stop', (params: never) => Promise<unknown>> {
  let session: Session | undefined;
  return {
    'profile-start': async () => {
      if (session) throw new Error('a profile is already running');
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      if (allocProfile) {
        const minor = allocProfile !== 'promoted';
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: minor });
      }
      return true;
    },
    'profile-stop': async (params: { file: string }) => {
      if (!session) throw new Error('no profile running');
      const { profile } = await session.post('Profiler.stop');
      if (allocProfile) {
        const { profile: heap } = await session.post('HeapProfiler.stopSampling');
        writeFileSync(params.file.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(heap));
      }
      session.disconnect();
      session = undefined;
      writeFileSync(params.file, JSON.stringify(profile));
      return params.file;
    },
  };
}
