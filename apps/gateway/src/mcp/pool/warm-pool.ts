// The warm MCP pool: `size` workers, each owning one long-lived MCP server child that all of its calls are
// multiplexed over. This class only wires the parts (fleet, start-up, queue, deadlines, retries, sampling, tool
// cache) into one McpPool and shuts them down in order; close() leaves no process behind.
import type { Logger } from 'pino';
import { GatewayError } from '../../shared/errors.js';
import type { CallOutcome } from '../messages.js';
import type { PoolStats, ToolCallRequest, ToolCallResult, ToolInfo } from '../types.js';
import { McpPoolStartError, type McpPool, type McpPoolOptions, type PoolEvent } from './api.js';
import { CallDeadlines } from './call-deadlines.js';
import { CallQueue, type PendingCall } from './call-queue.js';
import { callCancelled, poolShutDown } from './errors.js';
import { WorkerFleet } from './fleet.js';
import { RetryOnce } from './retry.js';
import { SamplingResponder } from './sampling-responder.js';
import { poolSettings, workerConfig, type PoolSettings } from './settings.js';
import { PoolStartup } from './startup.js';
import { ToolCache } from './tool-cache.js';
import type { WorkerHandle } from './worker-handle.js';
import { startWorkers, type PoolWorkers } from './worker-threads.js';

export class WarmMcpPool implements McpPool {
  readonly started: Promise<void>;
  readonly #settings: PoolSettings;
  readonly #log: Logger;
  readonly #sampling: SamplingResponder;
  readonly #fleet: WorkerFleet;
  readonly #startup: PoolStartup;
  readonly #queue: CallQueue;
  readonly #deadlines: CallDeadlines;
  readonly #tools: ToolCache;
  readonly #retry: RetryOnce;
  readonly #workers: PoolWorkers;
  #closing: Promise<void> | null = null;

  constructor(options: McpPoolOptions) {
    const settings = poolSettings(options);
    this.#settings = settings;
    this.#log = options.logger;
    this.#sampling = new SamplingResponder(options.sampling, settings.samplingTimeoutMs, this.#log);
    // The hooks fire once workers are adopted (from startWorkers on): every part they reach exists by then.
    this.#fleet = new WorkerFleet(this.#log, {
      onChildReady: () => this.#startup.onChildReady(),
      onInitialStartFailure: (message) => this.#startup.onInitialStartFailure(message),
      onProgress: (event) => this.#deadlines.progress(event),
      onSamplingRequest: (event, reply) => void this.#sampling.answer(event, reply),
      onCapacity: () => this.#queue.pump(),
    });
    if (options.onEvent) this.#fleet.subscribe(options.onEvent);
    this.#startup = new PoolStartup(this.#fleet, this.#log, settings);
    this.started = this.#startup.started;
    this.#queue = new CallQueue(this.#fleet, settings, (call, handle) => this.#run(call, handle));
    this.#deadlines = new CallDeadlines(this.#queue, this.#log);
    const isClosing = (): boolean => this.#closing !== null;
    this.#tools = new ToolCache(this.#fleet, settings, options.readOnlyTools ?? [], isClosing);
    this.#retry = new RetryOnce({
      fleet: this.#fleet,
      log: this.#log,
      firstWaitMs: settings.unavailableWaitMs,
      isReadOnly: (name) => this.#tools.isReadOnly(name),
      isClosing,
    });
    this.#workers = startWorkers(settings.size, options.inline ?? false, workerConfig(options, settings), this.#fleet, (err) =>
      this.#startup.onThreadError(err),
    );
    this.#startup.arm();
  }

  async callTool(request: ToolCallRequest): Promise<ToolCallResult> {
    if (this.#closing) throw poolShutDown();
    this.#tools.assertKnown(request.name);
    const timeoutMs = request.timeoutMs ?? this.#settings.callTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const outcome = await this.#retry.run(request, deadline, (waitMs) => this.#attempt(request, deadline, timeoutMs, waitMs));
    if (outcome.kind === 'result') return outcome.result;
    throw new GatewayError(outcome.error.code, outcome.error.message);
  }

  listTools(): Promise<ToolInfo[]> {
    return this.#tools.list();
  }

  stats(): PoolStats {
    let inFlight = 0;
    for (const handle of this.#fleet.workers()) inFlight += handle.inFlight;
    return {
      workers: this.#fleet.workerCount(),
      readyWorkers: this.#fleet.readyCount(),
      inFlight,
      queued: this.#queue.waiting,
      childRestarts: this.#fleet.childRestarts,
    };
  }

  childPids(): number[] {
    return this.#fleet.childPids();
  }

  onEvent(listener: (event: PoolEvent) => void): () => void {
    return this.#fleet.subscribe(listener);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#sampling.close();
    this.#startup.fail(new McpPoolStartError('The MCP pool was closed before it started'));
    this.#queue.rejectAll();
    // Children first: destroying the threads would only close the children's pipes.
    await this.#fleet.close();
    await this.#workers.close();
    this.#fleet.forgetAll();
    this.#log.debug('MCP pool closed');
  }

  /** One try of a call: waits (bounded) for a ready child if none is, then hands it to the queue. */
  async #attempt(request: ToolCallRequest, deadline: number, timeoutMs: number, waitMs: number): Promise<CallOutcome> {
    const { signal } = request;
    if (signal?.aborted) throw callCancelled(signal);
    if (this.#fleet.readyCount() === 0) {
      await this.#queue.waitForReadyWorker(Math.min(waitMs, deadline - Date.now()), signal);
      if (signal?.aborted) throw callCancelled(signal);
      if (this.#closing) throw poolShutDown();
      if (this.#fleet.readyCount() === 0) {
        throw new GatewayError('TOOL_UNAVAILABLE', 'No MCP server is available right now (restarting); try again in a moment');
      }
    }
    return this.#deadlines.run(request, deadline, timeoutMs, waitMs);
  }

  #run(call: PendingCall, handle: WorkerHandle): void {
    call.handle = handle;
    handle.run(call.task).then(
      // A call the shutdown cut short fails however the closing child ended it.
      (outcome) => (outcome.kind === 'error' && this.#closing ? call.reject(this.#workerFailure(null, call.task.name)) : call.resolve(outcome)),
      (err: unknown) => call.reject(this.#workerFailure(err, call.task.name)),
    );
  }

  /** A call lost with its worker thread (it exited, or the pool is closing). */
  #workerFailure(err: unknown, toolName: string): GatewayError {
    if (this.#closing) return poolShutDown();
    this.#log.error({ err, tool: toolName }, 'MCP pool worker failed a call');
    return new GatewayError('TOOL_UNAVAILABLE', `The MCP worker running tool "${toolName}" failed`);
  }
}
