// The load generator, a process of its own driven by bench/run.ts over IPC: it opens socket.io-client websocket
// connections (spread over several loopback source addresses, so one node can hold more connections than one
// address has ephemeral ports) and runs closed loops on them, bounded in time and count. It answers with counts
// and latency summaries, never raw streams.
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { mintToken } from '../../apps/gateway/src/auth/mint.js';
import { newRequestId } from '../../packages/client/src/requests.js';
import { GONE, runClosedLoop, type LoopOptions, type Operation } from '../lib/closed-loop.js';
import { serveIpc } from '../lib/ipc.js';

export type Target = 'floor' | 'gateway';
export type LoadEvent = 'echo' | 'prompt' | 'spawn-prompt' | 'send-prompt' | 'call-tool';

export const BENCH_PROMPT = 'Liste todas as máquinas disponíveis';

export interface ConnectParams {
  target: Target;
  url: string;
  /** Users `first` … `first + count - 1`, named `<prefix><index>`. */
  first: number;
  count: number;
  userPrefix: string;
  /** Users i·k … i·k + k − 1 share the account `<accountPrefix><i>` (k = usersPerAccount). */
  accountPrefix: string;
  usersPerAccount: number;
  /** HS256 secret of the gateway (gateway only). */
  secret?: string;
  sourceAddresses: string[];
  /** Handshakes in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** Stop starting new connections after this long. */
  budgetMs: number;
}

export interface ConnectResult {
  attempted: number;
  connected: number;
  failed: number;
  errors: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  open: number;
}

export interface LoopParams extends LoopOptions {
  target: Target;
  event: LoadEvent;
  /** Use only the first n clients of the target (default all). */
  clients?: number;
  timeoutMs: number;
  /** Gateway requests carry a client-chosen requestId, as the SDK sends them (idempotent: claimed, never run twice). */
  requestIds?: boolean;
}

const clients: Record<Target, Socket[]> = { floor: [], gateway: [] };
/** Events received from each server (acks are not events): how many frames a request costs besides its ack. */
const received: Record<Target, Record<string, number>> = { floor: {}, gateway: {} };
/** Per gateway socket: requestIds answered through acks, confirmed (`received`) on the socket's next request. */
const unconfirmed = new WeakMap<Socket, string[]>();
/** Why connections ended, by reason ('transport close', 'ping timeout', 'io server disconnect'…). */
const disconnects: Record<Target, Record<string, number>> = { floor: {}, gateway: {} };

function connectOne(socket: Socket, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    const done = (error: string | undefined) => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      resolve(error);
    };
    const onConnect = () => done(undefined);
    const onError = (err: Error & { data?: { code?: string } }) => done(err.data?.code ?? err.message.slice(0, 60));
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
    socket.connect();
  });
}

async function connect(p: ConnectParams): Promise<ConnectResult> {
  const errors: Record<string, number> = {};
  const started = performance.now();
  let next = 0;
  let connected = 0;
  let attempted = 0;
  const one = async (): Promise<void> => {
    while (next < p.count && performance.now() - started < p.budgetMs) {
      const i = p.first + next++;
      attempted++;
      const userId = `${p.userPrefix}${i}`;
      const account = `${p.accountPrefix}${Math.floor(i / Math.max(1, p.usersPerAccount))}`;
      const auth = p.target === 'gateway' ? { token: await mintToken(p.secret ?? '', { userId, account, ttlSeconds: 3600 }), resume: true } : { userId, account };
      const socket = io(p.url, {
        autoConnect: false,
        reconnection: false,
        forceNew: true,
        transports: ['websocket'],
        auth,
        // engine.io-client hands localAddress to ws (the option types omit it).
        ...({ localAddress: p.sourceAddresses[i % p.sourceAddresses.length] } as object),
      });
      const error = await connectOne(socket, p.timeoutMs);
      if (error === undefined) {
        connected++;
        clients[p.target].push(socket);
        // A real client confirms each prompt-response (the gateway's mailbox then drops it).
        socket.on('prompt-response' as never, (_response: unknown, receipt?: () => void) => receipt?.());
        const counts = received[p.target];
        socket.onAny((event: string) => (counts[event] = (counts[event] ?? 0) + 1));
        const reasons = disconnects[p.target];
        socket.on('disconnect', (reason) => (reasons[reason] = (reasons[reason] ?? 0) + 1));
      } else {
        errors[error] = (errors[error] ?? 0) + 1;
        socket.disconnect();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(p.concurrency, p.count) }, one));
  const elapsedMs = performance.now() - started;
  return { attempted, connected, failed: attempted - connected, errors, elapsedMs, perSecond: (connected / elapsedMs) * 1000, open: clients[p.target].length };
}

function operation(socket: Socket, event: LoadEvent, timeoutMs: number, i: number, requestIds = false): Operation {
  const payload =
    event === 'send-prompt' || event === 'prompt' || event === 'spawn-prompt'
      ? { prompt: BENCH_PROMPT }
      : event === 'call-tool'
        ? { tool: 'get_machines', arguments: {} }
        : { n: i };
  // Gateway requests: a real client (the SDK) confirms the responses it got through acks on its next request.
  const confirms = event === 'send-prompt' || event === 'call-tool';
  return async () => {
    if (!socket.connected) return GONE;
    let response: { isSuccess?: boolean; code?: string; requestId?: string } | undefined;
    const toConfirm = confirms ? (unconfirmed.get(socket) ?? []) : [];
    try {
      const keyed = confirms && requestIds ? { ...payload, requestId: newRequestId() } : payload;
      const sent = toConfirm.length ? { ...keyed, received: toConfirm.splice(0, 100) } : keyed;
      response = (await socket.timeout(timeoutMs).emitWithAck(event, sent)) as typeof response;
    } catch {
      return 'timeout';
    }
    if (confirms && response?.requestId) {
      toConfirm.push(response.requestId);
      unconfirmed.set(socket, toConfirm);
    }
    if (event === 'echo') return undefined;
    return response?.isSuccess ? undefined : (response?.code ?? 'failed');
  };
}

serveIpc({
  connect: (p: ConnectParams) => connect(p),
  loop: async (p: LoopParams) => {
    const pool = clients[p.target].slice(0, p.clients ?? clients[p.target].length);
    const before = { ...received[p.target] };
    const gone = { ...disconnects[p.target] };
    const result = await runClosedLoop(
      pool.map((socket, i) => operation(socket, p.event, p.timeoutMs, i, p.requestIds)),
      p,
    );
    const events: Record<string, number> = {};
    for (const [event, n] of Object.entries(received[p.target])) if (n - (before[event] ?? 0) > 0) events[event] = n - (before[event] ?? 0);
    const lost: Record<string, number> = {};
    for (const [reason, n] of Object.entries(disconnects[p.target])) if (n - (gone[reason] ?? 0) > 0) lost[reason] = n - (gone[reason] ?? 0);
    return { ...result, events, disconnects: lost };
  },
  /** Clients still connected (a server that dropped idle connections shows here). */
  count: (p: { target: Target }) => clients[p.target].filter((s) => s.connected).length,
  disconnect: async (p: { target: Target }) => {
    const list = clients[p.target];
    clients[p.target] = [];
    for (const socket of list) socket.removeAllListeners('disconnect').disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return list.length;
  },
});
