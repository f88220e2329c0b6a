// The SDK's public types: options, connection states and the events a client can listen to.
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { HistoryEntry, PresenceUser, PromptProgress, PromptResponse, ServerToClientEvents, ToolDescriptor } from '@leadlovers/protocol';
import type { BackoffOptions } from './backoff.js';
import type { GatewayError } from './errors.js';

/**
 * idle: created, never connected · connecting: first handshake · connected · draining: connected to a node that
 * announced server-draining (requests are held until the reconnect) · reconnecting: lost or refused, retrying
 * with backoff · replaced: the user connected elsewhere (no reconnect) · expired: the token expired and no
 * getToken can renew it · closed: close() was called, or the gateway refused the token for good.
 */
export type ClientState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'replaced' | 'draining' | 'expired' | 'closed';

export interface StateChange {
  state: ClientState;
  previous: ClientState;
  /** Why, in words (a disconnect reason, a connect_error message...). */
  reason?: string;
  /** Set when the change comes with an error (a refused handshake, a kick, an expired token). */
  error?: GatewayError;
}

export interface GatewayClientOptions {
  /** The gateway (or its load balancer), e.g. https://gateway.example.com. */
  url: string;
  /** A fixed JWT; without getToken it cannot be refreshed, so the connection ends at its expiry. */
  token?: string;
  /** Called for every handshake and before expiry (auth-refresh); should return a fresh JWT. */
  getToken?: () => Promise<string> | string;
  /** Where the token travels in the handshake (default 'auth'; 'header' works in browsers with polling only). */
  tokenPlacement?: 'auth' | 'header' | 'query';
  /** Socket.IO transports (default: websocket, then polling). */
  transports?: Array<'websocket' | 'polling' | 'webtransport'>;
  /** Send auth-refresh this long before the token's exp (default 30 s; at most half of what is left). */
  refreshLeadMs?: number;
  /** Reconnect delays (default 500 ms doubling up to 10 s, full jitter). */
  backoff?: Partial<BackoffOptions>;
  /**
   * Responses arrive as their request's ack and stay in the gateway's mailbox until confirmed: on the next request
   * (free) or, after this long without one, in one ack-response (default 1000 ms).
   */
  confirmDelayMs?: number;
  /** How long list-tools, get-history, get-presence, cancel and auth-refresh wait for their ack (default 10 s). */
  ackTimeoutMs?: number;
  /** Extra socket.io-client options (path, extraHeaders, withCredentials...). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface RequestOptions {
  /** Idempotency key; default a random id. Reusing one for the same request is safe, for another is refused. */
  requestId?: string;
  /** Aborting sends cancel-prompt and rejects with GatewayError CANCELLED. */
  signal?: AbortSignal;
  /** prompt-progress events of this request; only given, the SDK asks the gateway for them (progress: true). */
  onProgress?: (progress: PromptProgress) => void;
  /** false: resolve with the response even when isSuccess is false, instead of rejecting with GatewayError. */
  throwOnError?: boolean;
}

export interface PromptOptions extends RequestOptions {
  conversationId?: string;
}

/** Events the SDK itself emits. */
export interface ClientEvents {
  state: (change: StateChange) => void;
  /** auth-refresh succeeded; expiresAt as the gateway reports it. */
  'token-refreshed': (info: { expiresAt: string | null }) => void;
  /** auth-refresh (or getToken) failed; the SDK retries until the token expires. */
  'token-refresh-failed': (error: GatewayError) => void;
}

/**
 * Server events as listeners see them: the payload only (the SDK answers any receipt itself). 'prompt-response'
 * reaches listeners only for responses not answered through this client's acks (a request sent without the SDK,
 * or one whose connection dropped: its mailbox replay); a replay of one already answered here is dropped.
 */
export type ServerEventListener<E extends keyof ServerToClientEvents> = (payload: Parameters<ServerToClientEvents[E]>[0]) => void;

export interface GatewayClient {
  readonly state: ClientState;
  /** The current Socket.IO socket id, when connected. */
  readonly socketId: string | undefined;
  /** Requests waiting for their prompt-response. */
  readonly pendingRequests: number;
  /** Resolves once connected; rejects with GatewayError when the client ends up replaced, expired or closed. */
  connect(): Promise<void>;
  /** Disconnects for good; pending requests reject with CLIENT_CLOSED. connect() may be called again later. */
  close(): void;
  /** Resolves with the PromptResponse; isSuccess: false rejects with GatewayError (unless throwOnError: false). */
  sendPrompt(prompt: string, options?: PromptOptions): Promise<PromptResponse>;
  callTool(tool: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<PromptResponse>;
  listTools(): Promise<ToolDescriptor[]>;
  getHistory(options?: { limit?: number }): Promise<HistoryEntry[]>;
  getPresence(): Promise<PresenceUser[]>;
  /**
   * Any event the gateway answers through its ack with `{ ok: true, data } | { ok: false, code, message }`,
   * including ones newer than this SDK: resolves with data, rejects with GatewayError; re-sent after a reconnect.
   */
  call<T = unknown>(event: string, payload?: unknown): Promise<T>;
  /** Stops a request (rejecting its promise here with CANCELLED); resolves with the gateway's `cancelled`. */
  cancel(requestId: string): Promise<boolean>;
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerEventListener<E>): () => void;
  /** Any other server event (new ones need no SDK change): listeners get the event's arguments. */
  on(event: string, listener: (...args: unknown[]) => void): () => void;
  off(event: string, listener: (...args: never[]) => void): void;
}
