// Request/response over a forked child's IPC channel: the orchestrator asks (`Remote.call`), the child answers
// (`serveIpc`). Every call is bounded by a timeout, so a wedged child fails the run instead of hanging it.
import type { ChildProcess } from 'node:child_process';

interface Request {
  id: number;
  method: string;
  params: unknown;
}
interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type Handlers = Record<string, (params: never) => unknown>;

/** Child side: answers each request with its handler's (awaited) result; an unknown method is an error reply. */
export function serveIpc(handlers: Handlers): void {
  if (!process.send) throw new Error('this process must be started with an IPC channel (fork)');
  process.on('message', (message: Request) => {
    const handler = handlers[message.method] as ((params: unknown) => unknown) | undefined;
    const reply = (r: Omit<Reply, 'id'>) => process.send?.({ id: message.id, ...r });
    if (!handler) return reply({ ok: false, error: `unknown method ${message.method}` });
    Promise.resolve()
      .then(() => handler(message.params))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  // The orchestrator gone (crash, Ctrl-C) means nobody will ever stop us: leave at once.
  process.on('disconnect', () => process.exit(0));
  // Request 0 is the child saying it is listening: messages sent before this would have been lost.
  process.send({ id: 0, ok: true, result: 'ready' } satisfies Reply);
}

/** Parent side of one child's channel. */
export class Remote {
  #next = 1;
  #readyResolve: () => void = () => undefined;
  #readyReject: (e: Error) => void = () => undefined;
  /** Settles when the child has set up its handlers (or exits first). */
  readonly ready: Promise<void> = new Promise((resolve, reject) => ((this.#readyResolve = resolve), (this.#readyReject = reject)));
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.ready.catch(() => undefined);
    child.on('message', (reply: Reply) => {
      if (reply.id === 0) return this.#readyResolve();
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(`${name}: ${reply.error ?? 'failed'}`));
    });
    child.once('exit', (code, signal) => {
      this.#readyReject(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready`));
      for (const [id, pending] of this.#pending) {
        clearTimeout(pending.timer);
        pending.reject(new Error(`${name} exited (code ${code}, signal ${signal}) during request ${id}`));
      }
      this.#pending.clear();
    });
  }

  call<T>(method: string, params: unknown, timeoutMs: number): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}: ${method} gave no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, method, params } satisfies Request);
    });
  }
}
