// The warm MCP pool: `size` piscina worker threads, each owning one long-lived MCP server child that all of its
// calls are multiplexed over. createMcpPool resolves once every child has initialised; calls get a per-call
// timeout, a bounded queue (BUSY when full), TOOL_UNAVAILABLE while children restart, and close() leaves no process.
// piscina keeps the threads (starts them, replaces one that dies); the calls themselves go to the worker the
// balancer picks over that worker's own port, in batches (worker-handle.ts): piscina's one message per task, each
// way, cost the main thread more than the rest of a call's dispatch. With `inline`, the workers run on the main
// thread instead (inline-worker.ts), behind the same protocol.
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { GatewayError } from '../../shared/errors.js';
import { pickWorker } from './balancer.js';
import { WorkerFleet } from './fleet.js';
import { InlineWorker } from '../worker/inline-worker.js';
import type { WorkerHandle } from './worker-handle.js';
import { isWorkerHello, type CallOutcome, type CallTask, type MainCommand, type RetryHint, type WorkerConfig, type WorkerEvent } from '../messages.js';
import { McpPoolStartError, type McpPool, type McpPoolOptions, type PoolEvent, type Sampler } from './api.js';
import { childEnvironment } from './processes.js';
import { runnableFile } from './ts-runtime.js';
import type { PoolStats, ToolCallRequest, ToolCallResult, ToolInfo } from '../types.js';

/** How long a retry waits for the exit of the child that failed its call to be reported (it normally is at once). */
const CHILD_EXIT_WAIT_MS = 500;

export { McpPoolStartError, type McpPool, type McpPoolOptions, type PoolEvent, type Sampler } from './api.js';

/** With progress notifications, a call may run at most this many times its timeout in all. */
const MAX_PROGRESS_EXTENSIONS = 4;

type Settings = Required<Omit<McpPoolOptions, 'env' | 'cwd' | 'onEvent' | 'readOnlyTools' | 'sampling' | 'inline'>>;

export async function createMcpPool(options: McpPoolOptions): Promise<McpPool> {
  const pool = new WarmMcpPool(options);
  try {
    await pool.started;
    // Warms the tool cache and proves the server answers requests, not just the handshake.
    await pool.listTools().catch((err: unknown) => {
      throw new McpPoolStartError(`The MCP server \`${options.command}\` did not list its tools: ${(err as Error).message}`);
    });
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}

/** A call between #attempt and its outcome: queued for a free slot, or running on `handle`. */
interface PendingCall {
  task: CallTask;
  resolve: (outcome: CallOutcome) => void;
  reject: (err: GatewayError) => void;
  handle: WorkerHandle | undefined;
  /** In #queue, waiting for a free slot. */
  queued: boolean;
  /** Its caller has its answer already (timeout, abort, shutdown): a queued call is then dropped. */
  settled: boolean;
}

function cancelledError(signal: AbortSignal | undefined): GatewayError {
  return signal?.reason instanceof GatewayError ? signal.reason : new GatewayError('TIMEOUT', 'The tool call was cancelled');
}

class WarmMcpPool implements McpPool {
  readonly started: Promise<void>;
  readonly #settings: Settings;
  readonly #log: Logger;
  /** The worker threads; undefined when the workers run inline. */
  readonly #piscina: Piscina | undefined;
  readonly #inline: InlineWorker[] = [];
  readonly #fleet: WorkerFleet;
  readonly #readOnly: Set<string>;
  readonly #commandLine: string;
  readonly #sampler: Sampler | undefined;
  /** Sampling requests the main thread is answering, aborted on close. */
  readonly #samplingInFlight = new Set<AbortController>();
  #tools: ToolInfo[] | null = null;
  #toolNames = new Set<string>();
  #toolsLoading: Promise<ToolInfo[]> | null = null;
  #nextCallId = 0;
  /** callId → the caller's progress handler, while the call runs. */
  readonly #progressListeners = new Map<number, (event: { progress: number; total?: number; message?: string }) => void>();
  #nextRequestId = 0;
  /** Calls waiting for a free slot on some worker, oldest first (settled ones are skipped and dropped). */
  #queue: PendingCall[] = [];
  #queued = 0;
  #waitingForReady = 0;
  #closing: Promise<void> | null = null;
  #startSettled = false;
  #startTimer: NodeJS.Timeout | null = null;
  #rejectStart: (err: Error) => void = () => undefined;
  #resolveStart: () => void = () => undefined;

  constructor(options: McpPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError('McpPool size must be an integer ≥ 1');
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) throw new RangeError('McpPool maxQueue must be an integer ≥ 0');
    this.#settings = {
      size: options.size,
      command: options.command,
      args: options.args,
      callTimeoutMs: options.callTimeoutMs ?? 15_000,
      maxQueue: options.maxQueue,
      concurrentCallsPerWorker: options.concurrentCallsPerWorker ?? 32,
      logger: options.logger,
      respawn: options.respawn ?? { initialMs: 200, maxMs: 10_000 },
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      unavailableWaitMs: options.unavailableWaitMs ?? 1_000,
      samplingTimeoutMs: options.samplingTimeoutMs ?? 10_000,
    };
    this.#sampler = options.sampling;
    this.#log = options.logger;
    this.#readOnly = new Set(options.readOnlyTools ?? []);
    this.#commandLine = [options.command, ...options.args].join(' ');
    this.#fleet = new WorkerFleet(this.#log, {
      onChildReady: () => this.#checkStarted(),
      // After start-up this is a worker piscina replaced, whose first child failed: it keeps retrying with backoff.
      onInitialStartFailure: (message) =>
        this.#startSettled ? this.#log.error(message) : this.#failStart(new McpPoolStartError(message)),
      onProgress: (event) => this.#progressListeners.get(event.callId)?.(event),
      onSamplingRequest: (event, reply) => void this.#answerSampling(event, reply),
      onCapacity: () => this.#pump(),
    });
    if (options.onEvent) this.#fleet.subscribe(options.onEvent);

    this.started = new Promise<void>((resolve, reject) => {
      this.#resolveStart = resolve;
      this.#rejectStart = reject;
    });

    const workerData: WorkerConfig = {
      command: options.command,
      args: options.args,
      env: childEnvironment(options.env),
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      startTimeoutMs: this.#settings.startTimeoutMs,
      respawn: this.#settings.respawn,
      samplingTimeoutMs: this.#sampler ? this.#settings.samplingTimeoutMs : null,
    };
    if (options.inline) {
      this.#piscina = undefined;
      for (let i = 0; i < options.size; i++) {
        const worker = new InlineWorker(workerData);
        this.#inline.push(worker);
        this.#fleet.adopt({ threadId: i, port: worker });
      }
    } else {
      const { filename, execArgv } = runnableFile(new URL('../worker/thread-entry.ts', import.meta.url));
      this.#piscina = new Piscina({
        filename,
        execArgv,
        workerData,
        minThreads: options.size,
        maxThreads: options.size,
        idleTimeout: Infinity,
        // Not 'sync': an idle worker blocked in Atomics.wait runs no event loop and would not see its child die.
        atomics: 'disabled',
      });
      this.#piscina.on('message', (message: unknown) => {
        if (isWorkerHello(message)) this.#fleet.adopt(message);
      });
      this.#piscina.on('error', (err: unknown) => this.#onPiscinaError(err));
    }
    this.#startTimer = setTimeout(() => this.#failStart(this.#startTimeoutError()), this.#settings.startTimeoutMs);
  }

  async callTool(request: ToolCallRequest): Promise<ToolCallResult> {
    if (this.#closing) throw new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool is shut down');
    if (this.#tools && !this.#toolNames.has(request.name)) {
      throw new GatewayError('UNKNOWN_TOOL', `Unknown tool "${request.name}"`);
    }
    const timeoutMs = request.timeoutMs ?? this.#settings.callTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const exitsBefore = this.#fleet.childExits;
    let outcome = await this.#attempt(request, deadline, timeoutMs, this.#settings.unavailableWaitMs);
    if (outcome.kind === 'error' && this.#mayRetry(request, outcome.retry) && Date.now() < deadline && !this.#closing) {
      this.#log.info({ tool: request.name, reason: outcome.error.message }, 'retrying MCP tool call once');
      // The child died under the call: let its exit be reported first, so the retry goes to a worker whose child
      // is up instead of queueing behind the respawn.
      if (outcome.retry === 'if-read-only') await this.#fleet.waitForChildExit(exitsBefore, Math.min(CHILD_EXIT_WAIT_MS, deadline - Date.now()));
      // The retry may wait for a child as long as the call has left: it is what lets a call survive a crash.
      outcome = await this.#attempt(request, deadline, timeoutMs, deadline - Date.now());
    }
    if (outcome.kind === 'result') return outcome.result;
    throw new GatewayError(outcome.error.code, outcome.error.message);
  }

  listTools(): Promise<ToolInfo[]> {
    if (this.#tools) return Promise.resolve(this.#tools);
    this.#toolsLoading ??= this.#fetchTools().finally(() => {
      this.#toolsLoading = null;
    });
    return this.#toolsLoading;
  }

  stats(): PoolStats {
    let inFlight = 0;
    for (const handle of this.#fleet.workers()) inFlight += handle.inFlight;
    return {
      workers: this.#fleet.workerCount(),
      readyWorkers: this.#fleet.readyCount(),
      inFlight,
      queued: this.#queued + this.#waitingForReady,
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
    for (const controller of this.#samplingInFlight) controller.abort();
    this.#failStart(new McpPoolStartError('The MCP pool was closed before it started'));
    for (const call of this.#queue.splice(0)) call.reject(new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool is shut down'));
    // Children first: destroying the threads would only close the children's pipes.
    await this.#fleet.close();
    await this.#piscina?.destroy();
    for (const worker of this.#inline) worker.close();
    this.#fleet.forgetAll();
    this.#log.debug('MCP pool closed');
  }

  async #attempt(request: ToolCallRequest, deadline: number, timeoutMs: number, waitMs: number): Promise<CallOutcome> {
    const { name, signal } = request;
    if (signal?.aborted) throw cancelledError(signal);
    if (this.#fleet.readyCount() === 0) {
      if (this.stats().queued >= this.#settings.maxQueue) throw this.#busyError();
      await this.#awaitReadyWorker(Math.min(waitMs, deadline - Date.now()), signal);
      if (signal?.aborted) throw cancelledError(signal);
      if (this.#closing) throw new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool is shut down');
      if (this.#fleet.readyCount() === 0) {
        throw new GatewayError('TOOL_UNAVAILABLE', 'No MCP server is available right now (restarting); try again in a moment');
      }
    }
    const callId = ++this.#nextCallId;
    const task: CallTask = {
      callId,
      name,
      arguments: request.arguments,
      caller: request.caller,
      deadline,
      waitForChildMs: Math.max(0, Math.min(waitMs, deadline - Date.now())),
      reportProgress: request.onProgress !== undefined,
      maxTotalMs: timeoutMs * MAX_PROGRESS_EXTENSIONS,
    };
    return new Promise<CallOutcome>((resolve, reject) => {
      const settle = (): void => {
        call.settled = true;
        if (call.queued) {
          call.queued = false;
          this.#queued -= 1;
        }
        clearTimeout(timer);
        this.#progressListeners.delete(callId);
        signal?.removeEventListener('abort', onAbort);
      };
      const call: PendingCall = {
        task,
        handle: undefined,
        queued: false,
        settled: false,
        resolve: (outcome) => {
          if (call.settled) return;
          settle();
          resolve(outcome);
        },
        reject: (err) => {
          if (call.settled) return;
          settle();
          reject(err);
        },
      };
      const expire = (): void => call.reject(new GatewayError('TIMEOUT', `Tool "${name}" did not answer within ${timeoutMs} ms`));
      // The worker enforces the same deadline on the MCP request; this one also covers time spent queued.
      let timer = setTimeout(expire, Math.max(0, deadline - Date.now()));
      const hardLimit = Date.now() + timeoutMs * MAX_PROGRESS_EXTENSIONS;
      if (request.onProgress) {
        const onProgress = request.onProgress;
        this.#progressListeners.set(callId, (event) => {
          // Progress shows the tool is alive: restart the timeout, as the worker's MCP request does.
          clearTimeout(timer);
          timer = setTimeout(expire, Math.max(0, Math.min(Date.now() + timeoutMs, hardLimit) - Date.now()));
          try {
            onProgress({ progress: event.progress, ...(event.total !== undefined && { total: event.total }), ...(event.message !== undefined && { message: event.message }) });
          } catch (err) {
            this.#log.warn({ err }, 'tool progress handler threw');
          }
        });
      }
      const onAbort = (): void => {
        const { handle } = call;
        call.reject(cancelledError(signal));
        // The worker aborts the MCP request (notifications/cancelled); a call still queued is simply dropped.
        handle?.cancel(callId, deadline);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#dispatch(call);
    });
  }

  /** Sends the call to the worker the balancer picks, or queues it (BUSY when the queue is full). */
  #dispatch(call: PendingCall): void {
    const handle = this.#queued === 0 ? pickWorker(this.#fleet.workers(), this.#settings.concurrentCallsPerWorker) : undefined;
    if (handle) {
      this.#run(call, handle);
      return;
    }
    if (this.#queued >= this.#settings.maxQueue) {
      call.reject(this.#busyError());
      return;
    }
    call.queued = true;
    this.#queue.push(call);
    this.#queued += 1;
    // Calls that timed out or were cancelled while queued stay in the array until they reach its head: with every
    // worker stuck, drop them here so it cannot outgrow the live queue.
    if (this.#queue.length > 2 * this.#queued + 64) this.#queue = this.#queue.filter((queued) => queued.queued);
  }

  #run(call: PendingCall, handle: WorkerHandle): void {
    call.handle = handle;
    handle.run(call.task).then(
      // A call the shutdown cut short fails however the closing child ended it.
      (outcome) => (outcome.kind === 'error' && this.#closing ? call.reject(this.#workerFailure(null, call.task.name)) : call.resolve(outcome)),
      (err: unknown) => call.reject(this.#workerFailure(err, call.task.name)),
    );
  }

  /** Moves queued calls to workers with free slots, oldest first; drops those whose caller has given up. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const next = this.#queue[0];
      if (next?.queued) {
        const handle = pickWorker(this.#fleet.workers(), this.#settings.concurrentCallsPerWorker);
        if (!handle) return;
        next.queued = false;
        this.#queued -= 1;
        this.#run(next, handle);
      }
      this.#queue.shift();
    }
  }

  /** Runs a child's sampling request through the sampler, bounded like the worker's wait, and replies either way. */
  async #answerSampling(event: Extract<WorkerEvent, { type: 'sampling-request' }>, reply: (command: MainCommand) => void): Promise<void> {
    const { requestId } = event;
    if (!this.#sampler || this.#closing) {
      reply({ type: 'sampling-failed', requestId, message: 'The gateway has no LLM to sample with' });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#settings.samplingTimeoutMs);
    this.#samplingInFlight.add(controller);
    try {
      const result = await this.#sampler(event.params, controller.signal);
      reply({ type: 'sampling-result', requestId, result });
    } catch (err) {
      const message = controller.signal.aborted ? 'The LLM did not answer in time' : `The LLM failed: ${err instanceof Error ? err.message : String(err)}`;
      this.#log.warn({ err, requestId }, 'MCP sampling request failed');
      reply({ type: 'sampling-failed', requestId, message });
    } finally {
      clearTimeout(timer);
      this.#samplingInFlight.delete(controller);
    }
  }

  #mayRetry(request: ToolCallRequest, hint: RetryHint): boolean {
    if (hint === 'safe') return true;
    return hint === 'if-read-only' && (request.readOnly ?? this.#readOnly.has(request.name));
  }

  /** Waits (bounded) for some worker to have a ready child; counted as queued while it waits. */
  async #awaitReadyWorker(ms: number, signal?: AbortSignal): Promise<void> {
    this.#waitingForReady += 1;
    try {
      await this.#fleet.waitForReady(ms, signal);
    } finally {
      this.#waitingForReady -= 1;
    }
  }

  async #fetchTools(): Promise<ToolInfo[]> {
    if (this.#closing) throw new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool is shut down');
    await this.#fleet.waitForReady(this.#settings.unavailableWaitMs);
    const handle = this.#fleet.readyWorker();
    if (!handle) throw new GatewayError('TOOL_UNAVAILABLE', 'No MCP server is available to list the tools');
    const { tools, readOnly } = await handle.listTools(++this.#nextRequestId, this.#settings.callTimeoutMs);
    for (const name of readOnly) this.#readOnly.add(name);
    this.#toolNames = new Set(tools.map((tool) => tool.name));
    this.#tools = tools;
    return tools;
  }

  #onPiscinaError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!this.#startSettled) this.#failStart(new McpPoolStartError(`An MCP pool worker thread failed: ${message}`));
    else this.#log.error({ err }, 'MCP pool worker thread failed');
  }

  #checkStarted(): void {
    if (this.#startSettled) return;
    const ready = this.#fleet.startedCount();
    if (ready < this.#settings.size) return;
    this.#startSettled = true;
    if (this.#startTimer) clearTimeout(this.#startTimer);
    this.#log.info({ workers: ready, command: this.#settings.command }, 'MCP pool ready');
    this.#resolveStart();
  }

  #failStart(err: Error): void {
    if (this.#startSettled) return;
    this.#startSettled = true;
    if (this.#startTimer) clearTimeout(this.#startTimer);
    this.#rejectStart(err);
  }

  #startTimeoutError(): McpPoolStartError {
    const stderr = this.#fleet.recentStderr();
    const message =
      `The MCP pool did not start within ${this.#settings.startTimeoutMs} ms: ${this.#fleet.startedCount()} of ${this.#settings.size} ` +
      `MCP server children (\`${this.#commandLine}\`) finished initialising` +
      (stderr ? `; their stderr says: ${stderr}` : '');
    return new McpPoolStartError(message);
  }

  #busyError(): GatewayError {
    return new GatewayError('BUSY', `The MCP pool is busy (${this.#settings.maxQueue} calls already waiting); try again shortly`);
  }

  /** A call lost with its worker thread (it exited, or the pool is closing). */
  #workerFailure(err: unknown, toolName: string): GatewayError {
    if (this.#closing) return new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool is shut down');
    this.#log.error({ err, tool: toolName }, 'MCP pool worker failed a call');
    return new GatewayError('TOOL_UNAVAILABLE', `The MCP worker running tool "${toolName}" failed`);
  }
}
