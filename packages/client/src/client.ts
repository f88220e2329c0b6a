// createGatewayClient: one logical connection to the gateway over socket.io-client, kept alive across drops,
// drains and token expiry. Each connection attempt is a fresh Socket.IO socket (reconnection off in the
// Manager): the SDK owns the retry policy, so it can refuse to reconnect after session-replaced (no kick loop),
// spread reconnects over a draining node's window, and fetch a new token for every handshake.
import { io, type Socket } from 'socket.io-client';
import type { AckResult, ClientToServerEvents, PromptResponse, ServerToClientEvents } from '@leadlovers/protocol';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff.js';
import { Confirmations } from './confirmations.js';
import { GatewayError, type GatewayErrorCode } from './errors.js';
import { Listeners, type Listener } from './listeners.js';
import { PendingRequests, newRequestId, type PendingRequest, type RequestEvent } from './requests.js';
import { TokenRefresher } from './refresher.js';
import { placeToken } from './token.js';
import type { ClientEvents, ClientState, GatewayClient, GatewayClientOptions, RequestOptions, StateChange } from './types.js';

type GatewaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Terminal = 'replaced' | 'expired' | 'closed';

const TERMINAL: ReadonlySet<ClientState> = new Set<ClientState>(['replaced', 'expired', 'closed']);
const CLIENT_EVENTS: ReadonlySet<string> = new Set<keyof ClientEvents>(['state', 'token-refreshed', 'token-refresh-failed']);
/** connect_error codes that no retry can fix. */
const FATAL_CONNECT_CODES: ReadonlySet<string> = new Set(['TOKEN_MISSING', 'TOKEN_INVALID', 'ORIGIN_FORBIDDEN']);
/** Ack-only calls interrupted by a disconnect are re-sent on the next connection, this many times at most. */
const ACK_RETRIES = 5;
/** close() waits this long at most for the gateway to take the last confirmations before disconnecting. */
const CLOSE_CONFIRM_TIMEOUT_MS = 2000;

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const { getToken } = options;
  if (!options.token && !getToken) throw new TypeError('createGatewayClient needs a token or a getToken function');
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const listeners = new Listeners();
  const pending = new PendingRequests();
  const waiters: Array<{ resolve(): void; reject(error: GatewayError): void }> = [];
  const confirmations = new Confirmations(options.confirmDelayMs ?? 1000, (requestIds) => {
    if (!socket?.connected) return false; // kept: sent after the reconnect (which also replays and receipts them)
    socket.emit('ack-response', { requestIds });
    return true;
  });

  let state: ClientState = 'idle';
  let socket: GatewaySocket | undefined;
  /** Bumped for every new socket and on close: callbacks of an older socket see a stale number and do nothing. */
  let generation = 0;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let terminalError: GatewayError | undefined;
  /** What the server announced before cutting the connection; decides what its disconnect means. */
  let notice: { kind: 'replaced' } | { kind: 'expired' } | { kind: 'draining'; windowMs: number } | undefined;
  let handshakeToken = '';
  let expiredHandshakes = 0;

  const refresher = getToken
    ? new TokenRefresher({
        getToken,
        leadMs: options.refreshLeadMs ?? 30_000,
        send: (token) => ackRequest((s) => s.emitWithAck('auth-refresh', { token })),
        onRefreshed: (info) => listeners.emit('token-refreshed', [info]),
        onFailed: (error) => listeners.emit('token-refresh-failed', [error]),
      })
    : undefined;

  function setState(next: ClientState, detail: Omit<StateChange, 'state' | 'previous'> = {}): void {
    if (next === state) return;
    const change: StateChange = { state: next, previous: state, ...detail };
    state = next;
    listeners.emit('state', [change]);
  }

  function connect(): Promise<void> {
    if (state === 'connected' || state === 'draining') return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    if (state === 'idle' || TERMINAL.has(state)) {
      terminalError = undefined;
      failures = 0;
      expiredHandshakes = 0;
      setState('connecting');
      void openSocket();
    }
    return ready;
  }

  function close(): void {
    if (state === 'closed') return;
    finish('closed', new GatewayError('CLIENT_CLOSED', 'The client was closed'), true);
  }

  async function openSocket(): Promise<void> {
    const current = ++generation;
    let token: string;
    try {
      token = getToken ? await getToken() : (options.token as string);
    } catch (err) {
      if (current === generation) retryLater(`getToken() failed: ${describe(err)}`);
      return;
    }
    if (current !== generation) return;
    handshakeToken = token;
    const s: GatewaySocket = io(options.url, {
      ...options.socketOptions,
      ...(options.transports ? { transports: options.transports } : {}),
      ...placeToken(token, options),
      forceNew: true,
      reconnection: false,
      autoConnect: false,
    });
    socket = s;
    wire(s, current);
    s.connect();
  }

  function wire(s: GatewaySocket, mine: number): void {
    const live = () => mine === generation;

    s.on('connect', () => {
      if (!live()) return;
      failures = 0;
      expiredHandshakes = 0;
      notice = undefined;
      setState('connected');
      for (const waiter of waiters.splice(0)) waiter.resolve();
      refresher?.start(handshakeToken);
      for (const entry of pending.all()) if (entry.sentOn !== s) send(entry, s);
      confirmations.schedule();
    });

    s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (!live()) return;
      s.disconnect();
      const code = err.data?.code;
      if (code && FATAL_CONNECT_CODES.has(code)) return finish('closed', new GatewayError(code as GatewayErrorCode, err.message));
      if (code === 'TOKEN_EXPIRED' || code === 'TOKEN_REVOKED') {
        // Only a getToken() can cure an expired (or revoked) token, and only if it hands out a fresh one.
        expiredHandshakes += 1;
        if (!getToken || expiredHandshakes > 1) return finish('expired', new GatewayError(code, err.message));
      }
      retryLater(`connect_error: ${err.message}`);
    });

    s.on('disconnect', (reason) => {
      if (!live()) return;
      refresher?.stop();
      s.disconnect(); // releases the Manager after a transport close; a no-op after a server disconnect
      for (const entry of pending.all()) entry.sentOn = undefined;
      const announced = notice;
      notice = undefined;
      if (announced?.kind === 'replaced') {
        return finish('replaced', new GatewayError('SESSION_REPLACED', 'This session was replaced by a newer connection of the same user'));
      }
      if (announced?.kind === 'expired' && !getToken) {
        return finish('expired', new GatewayError('TOKEN_EXPIRED', 'The token expired on the live connection'));
      }
      // A draining node gave a window: come back at a random moment in it, not all clients at once.
      const delay = announced?.kind === 'draining' ? Math.round(Math.random() * announced.windowMs) : announced?.kind === 'expired' ? 0 : undefined;
      retryLater(`disconnected: ${reason}`, delay);
    });

    s.on('session-replaced', () => {
      if (live()) notice = { kind: 'replaced' };
    });
    s.on('server-draining', ({ reconnectInMs }) => {
      if (!live()) return;
      notice = { kind: 'draining', windowMs: reconnectInMs };
      setState('draining', { reason: 'server-draining' });
    });
    s.on('error', (error) => {
      if (live() && error.code === 'TOKEN_EXPIRED') notice = { kind: 'expired' };
    });
    s.on('prompt-response', (response, received) => {
      if (!live()) return;
      // Receipt first (it clears the mailbox), except for a drain refusal, which is not an answer at all.
      if (response.code !== 'SERVER_DRAINING') {
        if (received) received();
        else s.emit('ack-response', { requestId: response.requestId });
      }
      answer(response, false);
    });
    s.on('prompt-progress', (progress) => {
      if (live()) pending.get(progress.requestId)?.onProgress?.(progress);
    });
    // Every server event reaches the app's listeners, known or not; acks are the SDK's business, not theirs.
    // onAny runs before the handlers above: a replay of a response already answered here is a duplicate.
    s.onAny((event: string, ...args: unknown[]) => {
      if (!live() || CLIENT_EVENTS.has(event)) return;
      if (event === 'prompt-response' && confirmations.has((args[0] as PromptResponse | undefined)?.requestId ?? '')) return;
      listeners.emit(event, args.filter((arg) => typeof arg !== 'function'));
    });
  }

  function retryLater(reason: string, delayMs = backoffDelay(failures++, backoff)): void {
    setState('reconnecting', { reason });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void openSocket(), delayMs);
  }

  /** `confirm`: send the unconfirmed responses' ack-response before disconnecting (close(), not a kick or expiry). */
  function finish(next: Terminal, error: GatewayError, confirm = false): void {
    generation += 1;
    clearTimeout(retryTimer);
    confirmations.cancel();
    refresher?.stop();
    notice = undefined;
    const s = socket;
    socket = undefined;
    if (s) {
      s.offAny();
      const batches = confirm && s.connected ? confirmations.takeAll() : [];
      if (batches.length === 0) s.disconnect();
      // The gateway ignores an event whose disconnect lands while it is still in its middleware: the socket waits
      // for the answers (bounded) before it goes. It is no longer this client's socket, so nothing else happens on it.
      let left = batches.length;
      for (const requestIds of batches) {
        s.timeout(CLOSE_CONFIRM_TIMEOUT_MS).emit('ack-response', { requestIds }, () => {
          if (--left === 0) s.disconnect();
        });
      }
    }
    terminalError = error;
    setState(next, { reason: error.message, error });
    for (const waiter of waiters.splice(0)) waiter.reject(error);
    pending.failAll(error);
  }

  /**
   * A prompt-response from any road. A drain refusal is no answer: the request goes out again after reconnecting.
   * `viaAck`: it came as a request's ack, so the gateway keeps it in the mailbox until this client confirms it.
   */
  function answer(response: PromptResponse, viaAck: boolean): void {
    if (response.code === 'SERVER_DRAINING') {
      const entry = pending.get(response.requestId);
      if (entry) entry.sentOn = undefined;
      return;
    }
    confirmations.answered(response.requestId, viaAck);
    pending.settle(response);
  }

  function send(entry: PendingRequest, s: GatewaySocket): void {
    if (state !== 'connected' || !s.connected) return; // held; sent when the next connection comes up
    entry.sentOn = s;
    const onAck = (response: PromptResponse) => {
      if (s === socket) answer(response, true);
    };
    // Progress only when someone listens (it costs frames); confirmations of earlier answers ride along for free.
    // Neither is part of the request's idempotency fingerprint, so a re-send may carry different ones.
    const received = confirmations.take();
    const extras = { ...(entry.onProgress ? { progress: true } : {}), ...(received.length ? { received } : {}) };
    if (entry.event === 'send-prompt') s.emit('send-prompt', { ...entry.payload, ...extras }, onAck);
    else s.emit('call-tool', { ...entry.payload, ...extras }, onAck);
  }

  function request(what: RequestEvent, requestId: string, opts: RequestOptions): Promise<PromptResponse> {
    if (TERMINAL.has(state)) return Promise.reject(terminalError ?? new GatewayError('CLIENT_CLOSED', 'The client was closed'));
    if (pending.has(requestId)) return Promise.reject(new GatewayError('INVALID_PAYLOAD', `A request with requestId "${requestId}" is already pending`));
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(cancelledError());
    return new Promise<PromptResponse>((resolve, reject) => {
      const onAbort = () => {
        const wasRunning = socket?.connected === true && pending.get(requestId)?.sentOn === socket;
        if (pending.fail(requestId, cancelledError()) && wasRunning) void cancelOnServer(requestId).catch(() => undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const entry: PendingRequest = {
        ...what,
        requestId,
        onProgress: opts.onProgress,
        throwOnError: opts.throwOnError ?? true,
        sentOn: undefined,
        resolve,
        reject,
        dispose: () => signal?.removeEventListener('abort', onAbort),
      };
      pending.add(entry);
      if (state === 'idle') void connect().catch(() => undefined);
      else if (socket) send(entry, socket);
    });
  }

  /** The live socket, waiting for (or starting) a connection; rejects once the client is replaced/expired/closed. */
  async function connectedSocket(): Promise<GatewaySocket> {
    for (;;) {
      if (socket?.connected && (state === 'connected' || state === 'draining')) return socket;
      // Only an explicit connect() revives a replaced, expired or closed client: never a background call.
      if (TERMINAL.has(state)) throw terminalError ?? new GatewayError('CLIENT_CLOSED', 'The client was closed');
      await connect();
    }
  }

  /** Ack-only events: re-sent after a reconnect if the connection dropped before the answer came. */
  async function ackRequest<T>(emit: (s: GatewaySocket) => Promise<AckResult<T>>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const s = await connectedSocket();
      let result: AckResult<T>;
      try {
        result = await emit(s.timeout(ackTimeoutMs) as GatewaySocket);
      } catch (err) {
        const dropped = s !== socket || !s.connected;
        if (dropped && attempt < ACK_RETRIES && !TERMINAL.has(state)) continue;
        if (terminalError && TERMINAL.has(state)) throw terminalError;
        throw new GatewayError('TIMEOUT', `No answer from the gateway within ${ackTimeoutMs} ms (${describe(err)})`);
      }
      if (!result.ok) throw new GatewayError(result.code, result.message);
      return result.data;
    }
  }

  function cancelOnServer(requestId: string): Promise<boolean> {
    return ackRequest<{ cancelled: boolean }>((s) => s.emitWithAck('cancel-prompt', { requestId })).then((data) => data.cancelled);
  }

  const client: GatewayClient = {
    get state() {
      return state;
    },
    get socketId() {
      return socket?.connected ? socket.id : undefined;
    },
    get pendingRequests() {
      return pending.size;
    },
    connect,
    close,
    sendPrompt(prompt, opts = {}) {
      const requestId = opts.requestId ?? newRequestId();
      const payload = { prompt, requestId, ...(opts.conversationId ? { conversationId: opts.conversationId } : {}) };
      return request({ event: 'send-prompt', payload }, requestId, opts);
    },
    callTool(tool, args = {}, opts = {}) {
      const requestId = opts.requestId ?? newRequestId();
      return request({ event: 'call-tool', payload: { tool, arguments: args, requestId } }, requestId, opts);
    },
    listTools: () => ackRequest((s) => s.emitWithAck('list-tools')),
    getHistory: (opts = {}) => ackRequest((s) => s.emitWithAck('get-history', opts.limit === undefined ? {} : { limit: opts.limit })),
    getPresence: () => ackRequest((s) => s.emitWithAck('get-presence')),
    call<T>(event: string, payload?: unknown) {
      const untyped = (s: GatewaySocket) => s as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<AckResult<T>> };
      return ackRequest<T>((s) => (payload === undefined ? untyped(s).emitWithAck(event) : untyped(s).emitWithAck(event, payload)));
    },
    cancel(requestId) {
      pending.fail(requestId, cancelledError());
      return cancelOnServer(requestId);
    },
    on: ((event: string, listener: Listener) => listeners.on(event, listener)) as GatewayClient['on'],
    off: (event, listener) => listeners.off(event, listener as Listener),
  };
  return client;
}

function cancelledError(): GatewayError {
  return new GatewayError('CANCELLED', 'The request was cancelled by the client');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
