// @leadlovers/client: the typed client SDK for the LeadLovers realtime gateway, for Node and browsers.
export { createGatewayClient } from './client.js';
export { GatewayError, isGatewayError, type ClientOnlyCode, type GatewayErrorCode } from './errors.js';
export { tokenExpiry } from './token.js';
export type { ClientEvents, ClientState, GatewayClient, GatewayClientOptions, PromptOptions, RequestOptions, ServerEventListener, StateChange } from './types.js';
export type {
  ErrorCode,
  HistoryEntry,
  PresenceChanged,
  PresenceUser,
  PromptProgress,
  PromptResponse,
  ServerDraining,
  SessionReplaced,
  ToolDescriptor,
} from '@leadlovers/protocol';
