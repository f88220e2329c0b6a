// Starts the pool's workers: `size` piscina threads running ../worker/thread-entry (.ts from the sources, .js
// compiled), or with `inline` as many InlineWorkers on the main thread; the fleet adopts each one (a thread once its hello arrives). piscina only keeps
// the threads alive: calls go over each worker's own port, in batches (worker-handle.ts), as piscina's one message
// per task, each way, cost the main thread more than the rest of a call's dispatch.
import { Piscina } from 'piscina';
import { isWorkerHello, type WorkerConfig } from '../messages.js';
import { InlineWorker } from '../worker/inline-worker.js';
import type { WorkerFleet } from './fleet.js';
import { runnableFile, siblingExtension } from './ts-runtime.js';

/** The piscina thread entry, resolved at runtime (a .ts file gets the tsx loader: see ts-runtime.ts). */
export const THREAD_ENTRY = new URL(`../worker/thread-entry${siblingExtension(import.meta.url)}`, import.meta.url);

export interface PoolWorkers {
  /** Ends the threads (or closes the inline workers' ports), after the fleet has closed their children. */
  close(): Promise<void>;
}

export function startWorkers(
  size: number,
  inline: boolean,
  config: WorkerConfig,
  fleet: Pick<WorkerFleet, 'adopt'>,
  onThreadError: (err: unknown) => void,
): PoolWorkers {
  if (inline) {
    const workers: InlineWorker[] = [];
    for (let i = 0; i < size; i++) {
      const worker = new InlineWorker(config);
      workers.push(worker);
      fleet.adopt({ threadId: i, port: worker });
    }
    return {
      close: () => {
        for (const worker of workers) worker.close();
        return Promise.resolve();
      },
    };
  }
  const { filename, execArgv } = runnableFile(THREAD_ENTRY);
  const piscina = new Piscina({
    filename,
    execArgv,
    workerData: config,
    minThreads: size,
    maxThreads: size,
    idleTimeout: Infinity,
    // Not 'sync': an idle worker blocked in Atomics.wait runs no event loop and would not see its child die.
    atomics: 'disabled',
  });
  piscina.on('message', (message: unknown) => {
    if (isWorkerHello(message)) fleet.adopt(message);
  });
  piscina.on('error', onThreadError);
  return { close: () => piscina.destroy() };
}
