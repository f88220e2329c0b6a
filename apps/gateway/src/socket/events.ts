// Registers the client → server events on a socket. Every handler validates its input, answers through the ack
// or an event with a code, and catches everything: a bad event never takes the socket or the node down.
import type { Logger } from 'pino';
import { AckResponseSchema, AuthRefreshSchema, CancelPromptSchema, EVENTS, GetHistorySchema, SuggestPromptsSchema, type AckResult, type PresenceUser } from '@leadlovers/protocol';
import type { TokenVerifier } from '../auth/verifier.js';
import type { InFlightTracker } from '../drain.js';
import type { Cancellations } from '../prompts/cancellations.js';
import { GatewayError, toGatewayError } from '../errors.js';
import type { ToolRunner } from '../mcp/types.js';
import type { createPromptHandlers } from '../prompts/handlers.js';
import { describeZodError, splitArgs, type Ack } from '../prompts/payload.js';
import { hostilePayload } from '../prompts/payload-guard.js';
import type { HistoryStore } from '../store/history.js';
import type { Mailbox } from '../store/mailbox.js';
import type { SuggestionService } from '../suggest/service.js';
import type { GatewaySocket } from './types.js';

const CLIENT_EVENTS = new Set<string>([
  EVENTS.sendPrompt,
  EVENTS.callTool,
  EVENTS.listTools,
  EVENTS.getHistory,
  EVENTS.ackResponse,
  EVENTS.authRefresh,
  EVENTS.getPresence,
  EVENTS.cancelPrompt,
  EVENTS.suggestPrompts,
]);

export interface EventDeps {
  prompts: ReturnType<typeof createPromptHandlers>;
  runner: ToolRunner;
  history: HistoryStore;
  mailbox: Mailbox;
  verifier: TokenVerifier;
  historyLimit: number;
  cancellations: Cancellations;
  /** Counts requests in flight, so a drain can wait for them. */
  inFlight: InFlightTracker;
  /** Users of an account online anywhere in the cluster. */
  listPresence(account: string): Promise<PresenceUser[]>;
  logger: Logger;
  rescheduleExpiry(expiresAt: number | null): void;
  /** suggest-prompts: completions from the planner's grammar, the user's history and the account's data. */
  suggestions: SuggestionService;
}

export function registerEvents(socket: GatewaySocket, deps: EventDeps): void {
  const { user } = socket.data;
  const log = deps.logger.child({ socketId: socket.id, userId: user.id });

  const fail = (event: string, err: unknown, ack: Ack | undefined): void => {
    const error = toGatewayError(err);
    if (error.code === 'INTERNAL') log.error({ err, event }, 'event handler failed');
    const result: AckResult<never> = { ok: false, code: error.code, message: error.message };
    if (ack) ack(result);
    else socket.emit('error', { code: error.code, message: error.message, event });
  };

  /** Wraps a handler: parses (payload, ack), requires an ack where the event needs one, catches everything. */
  const on = (event: string, needsAck: boolean, handler: (payload: unknown, ack: Ack | undefined) => Promise<void>): void => {
    socket.on(event as 'send-prompt', (...args: unknown[]) => {
      const { payload, ack } = splitArgs(args);
      if (needsAck && !ack) {
        fail(event, new GatewayError('INVALID_PAYLOAD', `${event} needs an acknowledgement callback`), undefined);
        return;
      }
      // send-prompt and call-tool run the same check themselves, answering in the PromptResponse shape.
      const hostile = event === EVENTS.sendPrompt || event === EVENTS.callTool ? undefined : hostilePayload(payload);
      if (hostile) {
        fail(event, new GatewayError('INVALID_PAYLOAD', `Invalid ${event} payload: ${hostile}`), ack);
        return;
      }
      handler(payload, ack).catch((err: unknown) => fail(event, err, ack));
    });
  };

  // A request counts as in flight until its ack is queued, so a drain never disconnects before the answer.
  on(EVENTS.sendPrompt, false, (payload, ack) =>
    deps.inFlight.track(deps.prompts.sendPrompt(user, payload, socket.id).then((response) => ack?.(response))),
  );

  on(EVENTS.callTool, false, (payload, ack) =>
    deps.inFlight.track(deps.prompts.callTool(user, payload, socket.id).then((response) => ack?.(response))),
  );

  on(EVENTS.listTools, true, async (_payload, ack) => {
    const tools = await deps.runner.listTools();
    ack?.({ ok: true, data: tools });
  });

  on(EVENTS.getHistory, true, async (payload, ack) => {
    const parsed = GetHistorySchema.safeParse(payload ?? {});
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid get-history payload: ${describeZodError(parsed.error)}`);
    const entries = await deps.history.list(user.id, parsed.data.limit ?? deps.historyLimit);
    ack?.({ ok: true, data: entries });
  });

  on(EVENTS.cancelPrompt, false, async (payload, ack) => {
    const parsed = CancelPromptSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid cancel-prompt payload: ${describeZodError(parsed.error)}`);
    const cancelled = deps.cancellations.cancel(user.id, parsed.data.requestId);
    log.info({ requestId: parsed.data.requestId, cancelled }, 'cancel-prompt');
    ack?.({ ok: true, data: { cancelled } });
  });

  // Not a request: no idempotency, no prompt rate limit (typing would exhaust it); the event limit still applies.
  on(EVENTS.suggestPrompts, true, async (payload, ack) => {
    const parsed = SuggestPromptsSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid suggest-prompts payload: ${describeZodError(parsed.error)}`);
    ack?.({ ok: true, data: await deps.suggestions.suggest(user, parsed.data) });
  });
  // The account's machines and sequences load in the background now, so the first keystroke finds them.
  deps.suggestions.warm(user);

  on(EVENTS.getPresence, true, async (_payload, ack) => {
    ack?.({ ok: true, data: await deps.listPresence(user.account) });
  });

  on(EVENTS.ackResponse, false, async (payload, ack) => {
    const parsed = AckResponseSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid ack-response payload: ${describeZodError(parsed.error)}`);
    const removed = await deps.mailbox.ack(user.id, parsed.data.requestId);
    ack?.({ ok: true, data: { removed } });
  });

  on(EVENTS.authRefresh, false, async (payload, ack) => {
    const parsed = AuthRefreshSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid auth-refresh payload: ${describeZodError(parsed.error)}`);
    const verified = await deps.verifier.verify(parsed.data.token);
    if (verified.user.id !== user.id || verified.user.account !== user.account) {
      throw new GatewayError('FORBIDDEN', 'auth-refresh token is for another user');
    }
    deps.rescheduleExpiry(verified.expiresAt);
    log.info('token refreshed');
    ack?.({ ok: true, data: { expiresAt: verified.expiresAt === null ? null : new Date(verified.expiresAt).toISOString() } });
  });

  // A middleware, not onAny: it runs after the event rate limit (event-limit.ts), so dropped events get no answer.
  socket.use(([event], next) => {
    if (typeof event === 'string' && CLIENT_EVENTS.has(event)) return next();
    const name = String(event).slice(0, 64);
    log.warn({ event: name }, 'unknown event');
    socket.emit('error', { code: 'UNKNOWN_EVENT', message: `Unknown event "${name}"`, event: name });
  });

  socket.on('error', (err) => log.warn({ err }, 'socket error'));
}
