// The piscina worker thread of the warm pool: it hosts one worker runtime (runtime.ts: one MCP server child
// and the calls run on it) behind a private MessagePort, which it hands to the main thread in its first message.
// piscina only keeps the thread alive and replaces it if it dies; it never runs a piscina task here.
import { MessageChannel, parentPort, threadId, workerData } from 'node:worker_threads';
import type { MainCommand, WorkerConfig, WorkerHello } from '../messages.js';
import { createWorkerRuntime } from './runtime.js';

if (!parentPort) throw new Error('mcp/worker/thread-entry.ts runs only as a piscina worker thread');

const control = new MessageChannel();
// The pool (pool/settings.ts) builds workerData from a typed WorkerConfig.
const runtime = createWorkerRuntime(workerData as WorkerConfig, (event) => control.port1.postMessage(event));
control.port1.on('message', (command: MainCommand) => runtime.onCommand(command));

const hello: WorkerHello = { type: 'mcp-worker-hello', threadId, port: control.port2 };
parentPort.postMessage(hello, [control.port2]);

/** piscina needs a task handler; the pool never runs piscina tasks (calls come in `calls` batches). */
export default function piscinaTask(): never {
  throw new Error('MCP pool workers take their calls on their control port');
}
