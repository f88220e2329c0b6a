// The AsyncAPI 3 document of the Socket.IO contract, built from this package's zod schemas (z.toJSONSchema), so
// the document cannot drift from what the gateway validates. `pnpm asyncapi` writes it to
// packages/protocol/asyncapi.json (checked in, served by the gateway at /asyncapi.json); the suite regenerates it
// and compares. Every event in EVENTS must have an entry below (the Record type makes a missing one a type error).
import { z } from 'zod';
import { CONNECT_ERROR_CODES } from '../codes.js';
import type { EVENTS } from '../events.js';
import {
  AckResponseSchema,
  AuthRefreshSchema,
  CallToolSchema,
  CancelPromptSchema,
  ErrorCodeSchema,
  ErrorEventSchema,
  GetHistorySchema,
  HistoryEntrySchema,
  LeadCreatedSchema,
  PresenceChangedSchema,
  PresenceUserSchema,
  PromptProgressSchema,
  PromptResponseSchema,
  PromptSuggestionSchema,
  SendPromptSchema,
  ServerDrainingSchema,
  SessionReplacedSchema,
  SuggestPromptsSchema,
  ToolDescriptorSchema,
} from '../schemas.js';

type EventName = (typeof EVENTS)[keyof typeof EVENTS];

interface EventSpec {
  /** receive: the client emits it, the gateway receives it; send: the gateway emits it. */
  action: 'receive' | 'send';
  summary: string;
  /** The event's argument; none for ack-only events. */
  payload?: z.ZodType;
  /** The ack callback's value (the Socket.IO acknowledgement), as the operation's reply. */
  ack?: z.ZodType;
  ackSummary?: string;
}

/** An ack carrying a value or an error: { ok: true, data } | { ok: false, code, message }. */
function ackResult(data: z.ZodType): z.ZodType {
  return z.union([z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), code: ErrorCodeSchema, message: z.string() })]);
}

const SPECS: Record<EventName, EventSpec> = {
  'send-prompt': {
    action: 'receive',
    summary: 'A natural-language command: the planner picks MCP tools and runs them.',
    payload: SendPromptSchema,
    ack: PromptResponseSchema,
    ackSummary: 'With an ack callback, the PromptResponse is the ack value (and no prompt-response event is sent).',
  },
  'call-tool': {
    action: 'receive',
    summary: 'Runs one MCP tool directly, without the planner.',
    payload: CallToolSchema,
    ack: PromptResponseSchema,
    ackSummary: 'As send-prompt: the PromptResponse as the ack value.',
  },
  'list-tools': { action: 'receive', summary: 'Ack only: the tools with their JSON schemas.', ack: ackResult(z.array(ToolDescriptorSchema)) },
  'get-history': { action: 'receive', summary: "This user's recent requests and responses, newest first.", payload: GetHistorySchema, ack: ackResult(z.array(HistoryEntrySchema)) },
  'ack-response': {
    action: 'receive',
    summary: 'Confirms responses: they leave the mailbox (no more re-sends).',
    payload: AckResponseSchema,
    ack: ackResult(z.object({ removed: z.union([z.boolean(), z.number().int()]) })),
  },
  'auth-refresh': {
    action: 'receive',
    summary: "A fresh JWT for the same user: moves the live connection's expiry.",
    payload: AuthRefreshSchema,
    ack: ackResult(z.object({ expiresAt: z.string().nullable() })),
  },
  'get-presence': { action: 'receive', summary: "Ack only: the users of the caller's account online on any node.", ack: ackResult(z.array(PresenceUserSchema)) },
  'cancel-prompt': { action: 'receive', summary: 'Stops a running request of this user; its response then has code CANCELLED.', payload: CancelPromptSchema, ack: ackResult(z.object({ cancelled: z.boolean() })) },
  'suggest-prompts': { action: 'receive', summary: 'Up to 5 completions of what the user is typing.', payload: SuggestPromptsSchema, ack: ackResult(z.array(PromptSuggestionSchema)) },
  'prompt-response': {
    action: 'send',
    summary: "A request's response when its ack cannot carry it (no ack callback, socket gone, mailbox replay). Call the event's ack to confirm receipt.",
    payload: PromptResponseSchema,
  },
  'prompt-progress': { action: 'send', summary: 'Progress of a request sent with progress: true, before its response.', payload: PromptProgressSchema },
  error: { action: 'send', summary: 'A connection-level problem (unknown event, missing ack, expired token).', payload: ErrorEventSchema },
  'session-replaced': { action: 'send', summary: 'The same user connected again (or an admin kicked the user): this socket is disconnected next.', payload: SessionReplacedSchema },
  'server-draining': { action: 'send', summary: 'This node is shutting down: expect a disconnect, reconnect within reconnectInMs.', payload: ServerDrainingSchema },
  'presence-changed': { action: 'send', summary: "A user of the account came online or went offline (any node).", payload: PresenceChangedSchema },
  'lead-created': { action: 'send', summary: "A new lead reported by LeadLovers' webhook, to every user of the account.", payload: LeadCreatedSchema },
};

const DESCRIPTION = [
  'Socket.IO v4 (Engine.IO 4) on path /socket.io/, one namespace (/). Each AsyncAPI message is one Socket.IO event: the',
  "message name is the event name and its payload the event's single argument. Operations with a reply take a",
  'Socket.IO acknowledgement callback; the reply is the value the callback receives.',
  'Authentication: a JWT in the handshake (auth.token, else Authorization: Bearer, else ?token=). A refused',
  'handshake arrives as connect_error with err.data matching components.schemas.ConnectErrorData.',
  'Pushed events other than these (POST /admin/notify on the admin API) are operator-defined.',
].join(' ');

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-07', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** camelCase key for an event name: send-prompt → sendPrompt. */
const keyOf = (event: string): string => event.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export function buildAsyncApiDocument(version: string): Record<string, unknown> {
  const channelMessages: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelRef = { $ref: '#/channels/gateway' };
  for (const [event, spec] of Object.entries(SPECS) as Array<[EventName, EventSpec]>) {
    const key = keyOf(event);
    // What a client sends is described as the server accepts it (input); what it receives as emitted (output).
    const io = spec.action === 'receive' ? 'input' : 'output';
    messages[key] = { name: event, title: event, summary: spec.summary, ...(spec.payload ? { payload: schemaOf(spec.payload, io) } : {}) };
    channelMessages[key] = { $ref: `#/components/messages/${key}` };
    const operation: Record<string, unknown> = {
      action: spec.action,
      channel: channelRef,
      summary: spec.summary,
      messages: [{ $ref: `#/channels/gateway/messages/${key}` }],
    };
    if (spec.ack) {
      const ackKey = `${key}Ack`;
      messages[ackKey] = { name: `${event} (ack)`, title: `${event} acknowledgement`, summary: spec.ackSummary ?? `The ack value of ${event}.`, payload: schemaOf(spec.ack, 'output') };
      channelMessages[ackKey] = { $ref: `#/components/messages/${ackKey}` };
      operation.reply = { channel: channelRef, messages: [{ $ref: `#/channels/gateway/messages/${ackKey}` }] };
    }
    operations[key] = operation;
  }
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'LeadLovers realtime gateway (Socket.IO)',
      version,
      description: DESCRIPTION,
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: {
        host: 'localhost:4444',
        protocol: 'wss',
        pathname: '/socket.io/',
        description: 'A gateway node, or nginx in front of the cluster (ws:// on a local node).',
        security: [{ $ref: '#/components/securitySchemes/jwt' }],
        bindings: { ws: { bindingVersion: '0.1.0' } },
      },
    },
    channels: {
      gateway: {
        address: '/',
        title: 'The Socket.IO namespace /',
        servers: [{ $ref: '#/servers/gateway' }],
        messages: channelMessages,
      },
    },
    operations,
    components: {
      messages,
      schemas: {
        ConnectErrorData: schemaOf(z.object({ code: z.enum(CONNECT_ERROR_CODES) }), 'output'),
        ErrorCode: schemaOf(ErrorCodeSchema, 'output'),
      },
      securitySchemes: {
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256 (API_SECRET) or RS256/ES256 (JWKS); in the handshake as auth.token, an Authorization: Bearer header or ?token=.',
        },
      },
    },
  };
}

/** The document as checked in: stable key order, two-space indent, a final newline. */
export function renderAsyncApiDocument(version: string): string {
  return `${JSON.stringify(buildAsyncApiDocument(version), null, 2)}\n`;
}
