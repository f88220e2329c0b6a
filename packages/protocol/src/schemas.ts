// zod schemas for every client → server payload and server → client message. Client payloads are strict:
// unknown fields are rejected, so a typo in a field name is an error the client sees, not silently ignored.
import { z } from 'zod';
import { ERROR_CODES, type CONNECT_ERROR_CODES } from './codes.js';

export const MAX_PROMPT_LENGTH = 4000;
export const MAX_REQUEST_ID_LENGTH = 64;

/** What a requestId may contain (with 1..MAX_REQUEST_ID_LENGTH characters). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

export const requestIdSchema = z.string().min(1).max(MAX_REQUEST_ID_LENGTH).regex(REQUEST_ID_PATTERN, 'may contain only letters, digits and . _ : -');

/** How many requestIds one `received` list or one batched ack-response may confirm. */
export const MAX_CONFIRMATIONS = 100;

/**
 * requestIds of responses the client got through a request's ack: they leave the mailbox. Piggybacked on the next
 * send-prompt / call-tool (saves a frame); unknown ids are ignored, a malformed list refuses the request.
 */
export const ReceivedSchema = z.array(requestIdSchema).max(MAX_CONFIRMATIONS);

/** Request options that are not part of the request itself: never in its idempotency fingerprint. */
const requestExtras = {
  /** Send prompt-progress events for this request (default false: the ack is the only frame back). */
  progress: z.boolean().optional(),
  received: ReceivedSchema.optional(),
};

export const SendPromptSchema = z.strictObject({
  prompt: z.string().trim().min(1, 'must not be empty').max(MAX_PROMPT_LENGTH),
  requestId: requestIdSchema.optional(),
  conversationId: z.string().min(1).max(MAX_REQUEST_ID_LENGTH).optional(),
  ...requestExtras,
});
export type SendPromptPayload = z.input<typeof SendPromptSchema>;

export const CallToolSchema = z.strictObject({
  tool: z.string().min(1).max(64),
  arguments: z.record(z.string(), z.unknown()).default({}),
  requestId: requestIdSchema.optional(),
  ...requestExtras,
});
export type CallToolPayload = z.input<typeof CallToolSchema>;

export const GetHistorySchema = z
  .strictObject({
    limit: z.number().int().min(1).max(100).optional(),
  })
  .default({});
export type GetHistoryPayload = z.input<typeof GetHistorySchema>;

/** One response ({ requestId }, answered with removed: boolean) or a batch ({ requestIds }, removed: a count). */
export const AckResponseSchema = z.union([
  z.strictObject({ requestId: requestIdSchema }),
  z.strictObject({ requestIds: z.array(requestIdSchema).min(1).max(MAX_CONFIRMATIONS) }),
]);
export type AckResponsePayload = z.input<typeof AckResponseSchema>;

export const CancelPromptSchema = z.strictObject({
  requestId: requestIdSchema,
});
export type CancelPromptPayload = z.input<typeof CancelPromptSchema>;

export const AuthRefreshSchema = z.strictObject({
  token: z.string().min(1).max(8192),
});
export type AuthRefreshPayload = z.input<typeof AuthRefreshSchema>;

export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const PromptResponseSchema = z.object({
  isSuccess: z.boolean(),
  data: z.unknown().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
  tool: z.string().optional(),
  metadata: z.object({
    executionTime: z.number(),
    model: z.string().optional(),
    planner: z.string().optional(),
    replayed: z.boolean().optional(),
  }),
  requestId: z.string(),
  code: ErrorCodeSchema.optional(),
});
export type PromptResponse = z.infer<typeof PromptResponseSchema>;

export const PromptProgressSchema = z.object({
  requestId: z.string(),
  stage: z.enum(['planned', 'tool-started', 'tool-progress', 'chunk']),
  tool: z.string().optional(),
  message: z.string().optional(),
  chunk: z.string().optional(),
});
export type PromptProgress = z.infer<typeof PromptProgressSchema>;

export const ErrorEventSchema = z.object({
  message: z.string(),
  code: ErrorCodeSchema,
  event: z.string().optional(),
});
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

export const SessionReplacedSchema = z.object({
  at: z.string(),
  reason: z.enum(['new-connection', 'admin']),
});
export type SessionReplaced = z.infer<typeof SessionReplacedSchema>;

export const ServerDrainingSchema = z.object({ reconnectInMs: z.number().int().nonnegative() });
export type ServerDraining = z.infer<typeof ServerDrainingSchema>;

export const ToolDescriptorSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
});
export type ToolDescriptor = z.infer<typeof ToolDescriptorSchema>;

export const HistoryEntrySchema = z.object({
  requestId: z.string(),
  kind: z.enum(['prompt', 'tool']),
  input: z.string(),
  at: z.string(),
  response: PromptResponseSchema,
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const PresenceUserSchema = z.object({
  userId: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  connectedAt: z.string(),
});
export type PresenceUser = z.infer<typeof PresenceUserSchema>;

export const PresenceChangedSchema = z.object({
  userId: z.string(),
  name: z.string().optional(),
  status: z.enum(['online', 'offline']),
  at: z.string(),
});
export type PresenceChanged = z.infer<typeof PresenceChangedSchema>;

export const SuggestPromptsSchema = z.strictObject({
  /** What the user has typed so far (may be empty: then the most useful prompts for this user are suggested). */
  partial: z.string().max(MAX_PROMPT_LENGTH),
  /** 'pt' or 'en'; by default the language of `partial`, else of the user's history, else pt. */
  language: z.enum(['pt', 'en']).optional(),
});
export type SuggestPromptsPayload = z.input<typeof SuggestPromptsSchema>;

export const PromptSuggestionSchema = z.object({
  /** The full prompt to put in the input. */
  text: z.string(),
  /** Where it came from: the planner's grammar, the user's history or the account's data (a machine, a sequence). */
  source: z.enum(['grammar', 'history', 'data']),
  language: z.enum(['pt', 'en']),
  score: z.number(),
});
export type PromptSuggestion = z.infer<typeof PromptSuggestionSchema>;

/** A lead LeadLovers reported through its webhook (POST /webhooks/leadlovers/:account), pushed to the account. */
export const LeadCreatedSchema = z.object({
  account: z.string(),
  lead: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string().optional(),
    phone: z.string().optional(),
    company: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    birthDate: z.string().optional(),
    createdAt: z.string().optional(),
    dynamicFields: z.array(z.unknown()),
  }),
  receivedAt: z.string(),
});
export type LeadCreated = z.infer<typeof LeadCreatedSchema>;

/** Acks of list-tools / get-history / ack-response: a value or an error, never a thrown exception. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; code: z.infer<typeof ErrorCodeSchema>; message: string };

export interface ConnectErrorData {
  code: (typeof CONNECT_ERROR_CODES)[number];
}
