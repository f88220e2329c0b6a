// A full GC on request, for memory figures. Not through --expose-gc: a process flag that piscina would copy into
// its worker threads' execArgv, which Node refuses for workers.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function fullGc(): NodeJS.MemoryUsage {
  gc();
  return process.memoryUsage();
}
