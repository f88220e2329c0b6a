// The pool's view of its worker threads and their MCP children, kept from the workers' control messages: which
// workers have a ready child, the live child pids, the restart count. It logs and publishes child lifecycle
// events, and on shutdown closes every child through its worker, then kills whatever a worker failed to close.
import type { Logger } from 'pino';
import type { ControlPort, MainCommand, WorkerEvent } from '../messages.js';
import type { PoolEvent } from './api.js';
import { terminate } from './processes.js';
import { Waiters } from './waiters.js';
import { WorkerHandle } from './worker-handle.js';

/** The SDK's close waits 2 s for EOF and 2 s after SIGTERM, then SIGKILLs; this leaves room to see it reaped. */
const WORKER_CLOSE_TIMEOUT_MS = 8_000;

export interface FleetHooks {
  /** A worker's child finished initialising, the first time or after a respawn. */
  onChildReady(): void;
  /** A worker could not start its very first child. */
  onInitialStartFailure(message: string): void;
  /** An MCP progress notification arrived for a call in flight. */
  onProgress(event: Extract<WorkerEvent, { type: 'progress' }>): void;
  /** A child asked for an LLM completion; `reply` sends the answer back to its worker. */
  onSamplingRequest(event: Extract<WorkerEvent, { type: 'sampling-request' }>, reply: (command: MainCommand) => void): void;
  /** A worker finished calls, joined the pool or got its child ready: queued calls may go now. */
  onCapacity(): void;
}

export class WorkerFleet {
  readonly #handles = new Map<number, WorkerHandle>();
  readonly #listeners = new Set<(event: PoolEvent) => void>();
  readonly #readyWaiters = new Waiters();
  readonly #exitWaiters = new Waiters();
  readonly #livePids = new Set<number>();
  #childRestarts = 0;
  #childExits = 0;
  #closing = false;

  constructor(
    private readonly log: Logger,
    private readonly hooks: FleetHooks,
  ) {}

  get childRestarts(): number {
    return this.#childRestarts;
  }

  /** Child exits seen so far (a call that started before an exit compares this to know it has been reported). */
  get childExits(): number {
    return this.#childExits;
  }

  /**
   * Resolves once more than `seen` child exits have been reported, or after `ms`. A call's failure and its child's
   * exit reach this thread on different ports, in either order: a retry waits for the exit so the balancer no
   * longer counts that worker as ready and sends the retry to one whose child is up.
   */
  waitForChildExit(seen: number, ms: number): Promise<void> {
    if (ms <= 0 || this.#closing || this.#childExits > seen) return Promise.resolve();
    // Woken by the next reported exit (the count has grown by then), or given up on after `ms`.
    return this.#exitWaiters.wait(ms);
  }

  /**
   * After the pool destroyed its threads: every worker is gone, even while the ports' close events are still on
   * their way (they arrive a tick or more after piscina's destroy() resolves).
   */
  forgetAll(): void {
    for (const handle of this.#handles.values()) {
      handle.gone = true;
      handle.ready = false;
    }
  }

  workerCount(): number {
    return [...this.#handles.values()].filter((handle) => !handle.gone).length;
  }

  readyCount(): number {
    let ready = 0;
    for (const handle of this.#handles.values()) if (handle.ready) ready += 1;
    return ready;
  }

  /** Workers whose first child initialised, whatever its state now. */
  startedCount(): number {
    return [...this.#handles.values()].filter((handle) => handle.everReady).length;
  }

  /** Every worker the pool has adopted and not yet seen exit. */
  workers(): Iterable<WorkerHandle> {
    return this.#handles.values();
  }

  readyWorker(): WorkerHandle | undefined {
    return [...this.#handles.values()].find((handle) => handle.ready);
  }

  /** Pids of every child a worker has reported spawning and not yet exiting. */
  childPids(): number[] {
    return [...this.#livePids];
  }

  /** The children's last few stderr lines, for start-up failure messages. */
  recentStderr(): string {
    return [...this.#handles.values()]
      .flatMap((handle) => handle.recentStderr.slice(-2))
      .slice(-4)
      .join(' | ');
  }

  subscribe(listener: (event: PoolEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves as soon as some worker has a ready child, or after `ms`, on abort, or on close. */
  waitForReady(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || this.#closing || this.readyCount() > 0) return Promise.resolve();
    return this.#readyWaiters.wait(ms, signal);
  }

  /** Takes over a worker that has just booted (its hello, or an inline worker), and tells it to spawn its child. */
  adopt(hello: { threadId: number; port: ControlPort }): void {
    const workerId = hello.threadId;
    if (this.#handles.has(workerId)) return; // one hello per thread; a second would mean the worker module ran twice
    const handle: WorkerHandle = new WorkerHandle(workerId, hello.port, {
      onEvent: (event) => this.#onWorkerEvent(handle, event),
      onCapacity: () => this.hooks.onCapacity(),
      onGone: () => this.#onWorkerGone(handle),
    });
    this.#handles.set(workerId, handle);
    // A worker spawns its child only when told to, so a worker that boots while the pool closes starts nothing.
    if (!this.#closing) {
      handle.send({ type: 'start' });
      this.hooks.onCapacity();
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#readyWaiters.wakeAll();
    // Through the workers (stdin EOF → SIGTERM → SIGKILL): ending a thread would not stop its child, only close
    // the child's pipes.
    await Promise.all([...this.#handles.values()].map((handle) => handle.close(WORKER_CLOSE_TIMEOUT_MS)));
    // Backstop for a worker that did not confirm (hung or crashed): kill what is left from here.
    await Promise.all([...this.#livePids].map((pid) => this.#killLeftover(pid)));
  }

  #onWorkerEvent(handle: WorkerHandle, event: WorkerEvent): void {
    const workerId = handle.threadId;
    switch (event.type) {
      case 'child-spawned':
        handle.childPid = event.pid;
        this.#livePids.add(event.pid);
        if (event.restart) this.#childRestarts += 1;
        this.log.debug({ workerId, childPid: event.pid, restart: event.restart }, 'MCP server child spawned');
        this.#publish({ ...event, workerId });
        break;
      case 'child-ready':
        handle.childPid = event.pid;
        handle.ready = true;
        handle.everReady = true;
        if (event.restart) this.log.info({ workerId, childPid: event.pid }, 'MCP server child respawned and ready');
        this.#publish({ ...event, workerId });
        this.#readyWaiters.wakeAll();
        this.hooks.onChildReady();
        this.hooks.onCapacity();
        break;
      case 'child-exit':
        this.#childExits += 1;
        this.#livePids.delete(event.pid);
        if (handle.childPid === event.pid) {
          handle.childPid = null;
          handle.ready = false;
        }
        if (!event.expected) {
          const { pid, code, signal, respawnInMs } = event;
          this.log.warn({ workerId, childPid: pid, code, signal, respawnInMs }, 'MCP server child exited; respawning');
        }
        this.#publish({ ...event, workerId });
        this.#exitWaiters.wakeAll();
        break;
      case 'child-start-failed':
        handle.ready = false;
        this.#publish({ ...event, workerId });
        if (event.initial) this.hooks.onInitialStartFailure(event.message);
        else this.log.error({ workerId, respawnInMs: event.respawnInMs }, event.message);
        break;
      case 'child-stderr':
        handle.noteStderr(event.line);
        this.log.info({ workerId, childPid: event.pid, source: 'mcp-server-stderr' }, event.line);
        break;
      case 'progress':
        this.hooks.onProgress(event);
        break;
      case 'sampling-request':
        this.hooks.onSamplingRequest(event, (command) => handle.send(command));
        break;
      case 'client-error':
        this.log.warn({ workerId }, `MCP client error: ${event.message}`);
        break;
      default:
        // tools / tools-failed / closed / results: answers to WorkerHandle's own requests.
        break;
    }
  }

  #onWorkerGone(handle: WorkerHandle): void {
    this.#handles.delete(handle.threadId);
    if (this.#closing) return;
    this.log.error({ workerId: handle.threadId }, 'MCP pool worker thread exited; piscina starts a new one');
    this.#publish({ type: 'worker-exit', workerId: handle.threadId });
    const pid = handle.childPid;
    if (pid !== null) void this.#killLeftover(pid);
  }

  #publish(event: PoolEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, 'MCP pool event listener threw');
      }
    }
  }

  async #killLeftover(pid: number): Promise<void> {
    if (await terminate(pid)) this.log.warn({ childPid: pid }, 'killed a leftover MCP server child');
    this.#livePids.delete(pid);
  }
}
