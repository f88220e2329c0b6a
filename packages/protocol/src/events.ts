// Socket.IO event maps: pass them as generics to Server / Socket / io() and every emit and handler is typed.
import type {
  AckResponsePayload,
  AckResult,
  AuthRefreshPayload,
  CallToolPayload,
  CancelPromptPayload,
  ErrorEvent,
  GetHistoryPayload,
  HistoryEntry,
  PresenceChanged,
  PresenceUser,
  PromptProgress,
  PromptResponse,
  PromptSuggestion,
  SendPromptPayload,
  LeadCreated,
  ServerDraining,
  SessionReplaced,
  SuggestPromptsPayload,
  ToolDescriptor,
} from './schemas.js';

export const EVENTS = {
  sendPrompt: 'send-prompt',
  callTool: 'call-tool',
  listTools: 'list-tools',
  getHistory: 'get-history',
  ackResponse: 'ack-response',
  authRefresh: 'auth-refresh',
  getPresence: 'get-presence',
  cancelPrompt: 'cancel-prompt',
  presenceChanged: 'presence-changed',
  promptResponse: 'prompt-response',
  promptProgress: 'prompt-progress',
  error: 'error',
  sessionReplaced: 'session-replaced',
  serverDraining: 'server-draining',
  suggestPrompts: 'suggest-prompts',
  leadCreated: 'lead-created',
} as const;

export interface ClientToServerEvents {
  /**
   * With an ack callback, the ack is the delivery (one frame each way); the response stays in the mailbox until
   * confirmed (`received` on a later request, or ack-response). Without one, a prompt-response event brings it.
   */
  'send-prompt': (payload: SendPromptPayload, ack?: (response: PromptResponse) => void) => void;
  'call-tool': (payload: CallToolPayload, ack?: (response: PromptResponse) => void) => void;
  'list-tools': (ack: (result: AckResult<ToolDescriptor[]>) => void) => void;
  'get-history': (payload: GetHistoryPayload, ack: (result: AckResult<HistoryEntry[]>) => void) => void;
  /** `{ requestId }` answers removed: boolean; `{ requestIds }` (≤ 100) answers removed: how many were removed. */
  'ack-response': (payload: AckResponsePayload, ack?: (result: AckResult<{ removed: boolean | number }>) => void) => void;
  'auth-refresh': (payload: AuthRefreshPayload, ack?: (result: AckResult<{ expiresAt: string | null }>) => void) => void;
  /** Stops a request of this user that is still running: its prompt-response then has code CANCELLED. */
  'cancel-prompt': (payload: CancelPromptPayload, ack?: (result: AckResult<{ cancelled: boolean }>) => void) => void;
  /** The users of the caller's account online anywhere in the cluster. */
  'get-presence': (ack: (result: AckResult<PresenceUser[]>) => void) => void;
  /** Up to 5 completions of what the user is typing, from the planner's grammar, their history and account data. */
  'suggest-prompts': (payload: SuggestPromptsPayload, ack: (result: AckResult<PromptSuggestion[]>) => void) => void;
}

export interface ServerToClientEvents {
  /**
   * Only when the request's own ack cannot carry the response: the request had no ack callback, its socket is
   * gone (the response reaches the user's live socket, on any node), or a mailbox replay after a (re)connect.
   * Calling `received` (the Socket.IO ack) tells the server the response arrived: it leaves the mailbox at once,
   * as with ack-response. A client that never calls it gets the response again after a reconnect.
   */
  'prompt-response': (response: PromptResponse, received?: () => void) => void;
  /** Only for requests sent with `progress: true`; to the asking socket (to the user's room if it is gone). */
  'prompt-progress': (progress: PromptProgress) => void;
  error: (error: ErrorEvent) => void;
  'session-replaced': (notice: SessionReplaced) => void;
  'server-draining': (notice: ServerDraining) => void;
  'presence-changed': (change: PresenceChanged) => void;
  /** A new lead in the user's account, pushed from LeadLovers' webhook to every node (room account:<account>). */
  'lead-created': (event: LeadCreated) => void;
}

/** Events between gateway nodes (serverSideEmit over the adapter); `pnpm kick` sends them too. */
export interface InterServerEvents {
  /**
   * With sharded pub/sub a room's notice and its disconnect travel on different shards, so a kick is this one
   * message, carried out by each node on its own sockets: notice first, then the disconnect. target: a socket id
   * or a room such as user:<id>.
   */
  'session-kick': (target: string, reason: SessionReplaced['reason']) => void;
}

export interface AuthenticatedUser {
  id: string;
  email?: string;
  name?: string;
  account: string;
}

export interface SocketData {
  user: AuthenticatedUser;
  tokenExpiresAt: number | null;
  connectedAt: number;
  /**
   * Whether this connection takes part in confirmations: it said so in the handshake (`auth.resume: true`), or
   * its user has confirmed a response before, or it has confirmed one since. Only such connections get mailbox
   * replays; every other one gets each response once (README "Mailbox").
   */
  confirms: boolean;
}

/**
 * The handshake's `auth` object. `resume: true` declares that the client confirms the responses it receives
 * (the SDK and the console send it): its unconfirmed responses are re-sent on every reconnect until confirmed.
 */
export interface HandshakeAuth {
  token?: string;
  resume?: boolean;
}
