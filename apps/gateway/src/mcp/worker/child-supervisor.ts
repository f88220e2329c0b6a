// Inside a pool worker: the one MCP server child of this thread. Spawns it through the SDK's StdioClientTransport
// and keeps one Client on it, notices when it dies (also while idle), respawns it with exponential backoff, and
// closes it (stdin EOF → SIGTERM → SIGKILL) without leaving it behind. Reports everything through `emit`.
import type { ChildProcess } from 'node:child_process';
import type { Stream } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema,
  ErrorCode,
  McpError,
  type CreateMessageRequest,
  type CreateMessageResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { WorkerConfig, WorkerEvent } from '../messages.js';

interface ChildSession {
  client: Client;
  transport: StdioClientTransport;
  pid: number | null;
  state: 'starting' | 'ready' | 'gone';
  /** A start that failed or timed out: it is being killed and a new session replaces it. */
  abandoned: boolean;
  readyAt: number;
  exit: { code: number | null; signal: string | null };
  stderrTail: string[];
  exited: Promise<void>;
  markExited: () => void;
}

const STDERR_TAIL_LINES = 30;
const MAX_STDERR_LINE = 2000;
/** After close() has sent SIGKILL, how long to wait to see the process reaped. */
const EXIT_WAIT_MS = 3000;
/** A child that stayed up this long resets the backoff: its death is not part of a crash loop. */
const STABLE_AFTER_MS = 30_000;

/** Answers the child's sampling/createMessage requests; given only when the gateway has an LLM. */
export type SamplingHandler = (params: CreateMessageRequest['params'], signal: AbortSignal) => Promise<CreateMessageResult>;

export class ChildSupervisor {
  #current: ChildSession | null = null;
  readonly #live = new Set<ChildSession>();
  #closing = false;
  #spawned = false;
  #everReady = false;
  #failures = 0;
  #respawnTimer: NodeJS.Timeout | null = null;
  readonly #readyWaiters = new Set<() => void>();

  constructor(
    private readonly config: WorkerConfig,
    private readonly emit: (event: WorkerEvent) => void,
    private readonly sample?: SamplingHandler,
  ) {}

  /** The client of a child that has finished initialising, or null while it is down or (re)starting. */
  get client(): Client | null {
    return this.#current?.state === 'ready' ? this.#current.client : null;
  }

  /**
   * Runs `send` with the ready child's stdin corked: the requests it writes synchronously leave together, in one
   * write, when it returns (the SDK writes each message on its own, one syscall each).
   */
  batchWrites(send: () => void): void {
    const stdin = this.#current?.state === 'ready' ? childProcessOf(this.#current.transport)?.stdin : undefined;
    if (!stdin) return send();
    stdin.cork();
    try {
      send();
    } finally {
      stdin.uncork();
    }
  }

  start(): void {
    if (!this.#spawned && !this.#closing) void this.#spawn();
  }

  /** Resolves with the ready client as soon as there is one, or null after `ms` (or on close). */
  waitReady(ms: number): Promise<Client | null> {
    if (this.client || this.#closing || ms <= 0) return Promise.resolve(this.client);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#readyWaiters.delete(done);
        resolve(this.client);
      };
      const timer = setTimeout(done, ms);
      this.#readyWaiters.add(done);
    });
  }

  /** Stops respawning and closes every child this worker still has; resolves once they have exited (bounded). */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#respawnTimer) clearTimeout(this.#respawnTimer);
    this.#respawnTimer = null;
    this.#wakeWaiters();
    await Promise.all(
      [...this.#live].map(async (session) => {
        // The SDK closes stdin, then sends SIGTERM after 2 s and SIGKILL after 2 more, but does not wait for the kill.
        await session.client.close().catch(() => undefined);
        await Promise.race([session.exited, delay(EXIT_WAIT_MS)]);
      }),
    );
  }

  async #spawn(): Promise<void> {
    this.#respawnTimer = null;
    const restart = this.#spawned;
    this.#spawned = true;
    const { command, args, env, cwd, startTimeoutMs } = this.config;
    const transport = new StdioClientTransport({ command, args, env, cwd, stderr: 'pipe' });
    const sample = this.sample;
    // Declaring sampling is what makes the server ask for it; without an LLM it writes from its templates.
    const client = new Client({ name: 'leadlovers-gateway', version: '0.1.0' }, { capabilities: sample ? { sampling: {} } : {} });
    if (sample) client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => sample(request.params, extra.signal));
    let markExited = (): void => undefined;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const session: ChildSession = {
      client,
      transport,
      pid: null,
      state: 'starting',
      abandoned: false,
      readyAt: 0,
      exit: { code: null, signal: null },
      stderrTail: [],
      exited,
      markExited,
    };
    this.#current = session;
    this.#live.add(session);
    this.#pipeStderr(session, transport.stderr);
    client.onclose = () => this.#onClosed(session);
    client.onerror = (err) => this.emit({ type: 'client-error', message: err.message });

    const connecting = client.connect(transport, { timeout: startTimeoutMs });
    // connect() spawns synchronously, so the pid (and the process, for its exit status) is known right away.
    session.pid = transport.pid;
    childProcessOf(transport)?.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      session.exit = { code, signal };
    });
    if (session.pid === null) markExited();
    else this.emit({ type: 'child-spawned', pid: session.pid, restart });

    try {
      await connecting;
    } catch (err) {
      this.#startFailed(session, err);
      return;
    }
    if (session.state !== 'starting' || this.#closing) return;
    session.state = 'ready';
    session.readyAt = Date.now();
    this.#everReady = true;
    this.emit({ type: 'child-ready', pid: session.pid ?? 0, restart });
    this.#wakeWaiters();
  }

  #startFailed(session: ChildSession, err: unknown): void {
    session.abandoned = true;
    if (session.state !== 'gone') {
      // Hung in initialize (or half started): make sure it goes. connect() has usually begun this already.
      void session.client.close().catch(() => undefined);
    }
    if (this.#closing) return;
    const message = describeStartFailure(this.config, session, err);
    const respawnInMs = this.#scheduleRespawn(null);
    this.emit({ type: 'child-start-failed', initial: !this.#everReady, message, respawnInMs });
  }

  #onClosed(session: ChildSession): void {
    if (session.state === 'gone') return;
    const wasReady = session.state === 'ready';
    session.state = 'gone';
    session.markExited();
    this.#live.delete(session);
    const unexpected = !this.#closing && !session.abandoned && session === this.#current;
    // A child that dies while starting is reported (and respawned) by #startFailed, once connect() rejects.
    const respawnInMs = unexpected && wasReady ? this.#scheduleRespawn(session.readyAt) : null;
    if (session.pid !== null) {
      this.emit({ type: 'child-exit', pid: session.pid, ...session.exit, expected: !unexpected, respawnInMs });
    }
  }

  #scheduleRespawn(readyAt: number | null): number {
    if (readyAt !== null && Date.now() - readyAt >= STABLE_AFTER_MS) this.#failures = 0;
    const { initialMs, maxMs } = this.config.respawn;
    const base = Math.min(maxMs, initialMs * 2 ** this.#failures);
    this.#failures += 1;
    // Jitter, so the children of several workers that died together do not all restart in the same instant.
    const wait = Math.round(base * (0.8 + Math.random() * 0.4));
    this.#respawnTimer = setTimeout(() => void this.#spawn(), wait);
    return wait;
  }

  #wakeWaiters(): void {
    for (const wake of [...this.#readyWaiters]) wake();
  }

  #pipeStderr(session: ChildSession, stream: Stream | null): void {
    if (!stream) return;
    const decoder = new StringDecoder('utf8');
    let partial = '';
    stream.on('data', (chunk: Buffer | string) => {
      const lines = (partial + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
      partial = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.trimEnd().slice(0, MAX_STDERR_LINE);
        if (!line) continue;
        session.stderrTail.push(line);
        if (session.stderrTail.length > STDERR_TAIL_LINES) session.stderrTail.shift();
        this.emit({ type: 'child-stderr', pid: session.pid ?? 0, line });
      }
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The SDK keeps its ChildProcess private; we read it only to learn the exit code and signal, best effort. */
function childProcessOf(transport: StdioClientTransport): ChildProcess | undefined {
  const candidate = (transport as unknown as { _process?: Partial<ChildProcess> })._process;
  return typeof candidate?.once === 'function' ? (candidate as ChildProcess) : undefined;
}

function commandLine(config: WorkerConfig): string {
  return [config.command, ...config.args].join(' ');
}

function exitText(exit: ChildSession['exit']): string {
  if (exit.signal) return `on signal ${exit.signal}`;
  if (exit.code !== null) return `with code ${exit.code}`;
  return '';
}

/** The stderr lines most likely to say what went wrong: the first ones naming an error, else the last few. */
function stderrSummary(tail: string[]): string {
  const errors = tail.filter((line) => /error|ERR_|cannot|not found|EADDRINUSE|ENOENT/i.test(line)).slice(0, 2);
  return (errors.length > 0 ? errors : tail.slice(-3)).join(' | ');
}

function describeStartFailure(config: WorkerConfig, session: ChildSession, err: unknown): string {
  const what = `MCP server \`${commandLine(config)}\``;
  const detail = err instanceof Error ? err.message : String(err);
  let reason: string;
  if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
    reason = `did not finish the MCP initialize handshake within ${config.startTimeoutMs} ms`;
  } else if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) {
    reason = `exited ${exitText(session.exit)} before finishing the MCP initialize handshake`.replace('  ', ' ');
  } else if (session.pid === null) {
    reason = `could not be started (${detail})`;
  } else {
    reason = `failed the MCP initialize handshake (${detail})`;
  }
  const stderr = stderrSummary(session.stderrTail);
  return stderr ? `${what} ${reason}; its stderr says: ${stderr}` : `${what} ${reason}`;
}
