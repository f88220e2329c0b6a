// Registers the client → server events on a socket. Every handler validates its input, answers through the ack
// or an event with a code, and catches everything: a bad event never takes the socket or the node down.
import type { Logger } from 'pino';
import { AckResponseSchema, AuthRefreshSchema, CancelPromptSchema, EVENTS, GetHistorySchema, SuggestPromptsSchema, type AckResult, type PresenceUser } from '@leadlovers/protocol';
import type { TokenVerifier } from '../auth/verifier.js';
import type { InFlightTracker } from '../lifecycle/drain.js';
import type { Cancellations } from '../core/cancellations.js';
import { GatewayError, toGatewayError } from '../shared/errors.js';
import type { ToolRunner } from '../mcp/types.js';
import type { RequestCore } from '../core/request-core.js';
import { splitArgs, type Ack } from './args.js';
import { describeZodError } from '../shared/validation.js';
import { hostilePayload } from '../shared/payload-guard.js';
import type { HistoryStore } from '../store/history.js';
import type { Mailbox } from '../store/mailbox.js';
import type { SuggestionService } from '../suggest/service.js';
import type { GatewaySocket } from '../shared/socket.js';
import { SocketReplyPort, type Delivery } from './delivery.js';
import { answerRefusal, eventName } from './refusals.js';
import { carriesConfirmations, type ConfirmationTracker } from './confirmations.js';
import type { GatewayMetrics } from '../metrics/metrics.js';

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
  /** The request core: send-prompt and call-tool run there; this layer only adapts Socket.IO to it. */
  core: RequestCore;
  delivery: Delivery;
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
  rescheduleExpiry(socket: GatewaySocket, expiresAt: number | null): void;
  /** suggest-prompts: completions from the planner's grammar, the user's history and the account's data. */
  suggestions: SuggestionService;
  /** Whether a connection takes part in confirmations; confirmations seen here are noted. */
  confirmations: ConfirmationTracker;
  /** Events refused before their handler (unknown, hostile payload, missing ack), by code. */
  refusedEvents: GatewayMetrics['refusedEvents'];
}

type Handler = (socket: GatewaySocket, payload: unknown, ack: Ack | undefined) => Promise<void>;
type Listener = (this: GatewaySocket, ...args: unknown[]) => void;

/** The fields every log line about a socket carries (what a child logger per socket would bind). */
const ids = (socket: GatewaySocket) => ({ socketId: socket.id, userId: socket.data.user.id });

/**
 * Builds the event handlers once per gateway; the function it returns registers them on one socket. The same
 * listener functions serve every socket (Node's EventEmitter calls a listener with `this` set to the emitting
 * socket): a connection idles for hours, and a set of closures, their scope and a child logger per socket were a
 * few kilobytes each (see README "Memory per connection").
 */
export function createEventHandlers(deps: EventDeps): (socket: GatewaySocket) => void {
  const log = deps.logger;
  const listeners: Array<[string, Listener]> = [];

  const fail = (socket: GatewaySocket, event: string, err: unknown, ack: Ack | undefined): void => {
    const error = toGatewayError(err);
    if (error.code === 'INTERNAL') log.error({ ...ids(socket), err, event }, 'event handler failed');
    const result: AckResult<never> = { ok: false, code: error.code, message: error.message };
    if (ack) ack(result);
    else socket.emit('error', { code: error.code, message: error.message, event });
  };

  /** Wraps a handler: parses (payload, ack), requires an ack where the event needs one, catches everything. */
  const on = (event: string, needsAck: boolean, handler: Handler): void => {
    const handle = (socket: GatewaySocket, args: unknown[]): void => {
      const { payload, ack } = splitArgs(args);
      if (needsAck && !ack) {
        deps.refusedEvents.inc({ code: 'INVALID_PAYLOAD' });
        fail(socket, event, new GatewayError('INVALID_PAYLOAD', `${event} needs an acknowledgement callback`), undefined);
        return;
      }
      // send-prompt and call-tool run the same check themselves, answering in the PromptResponse shape.
      const hostile = event === EVENTS.sendPrompt || event === EVENTS.callTool ? undefined : hostilePayload(payload);
      if (hostile) {
        deps.refusedEvents.inc({ code: 'INVALID_PAYLOAD' });
        fail(socket, event, new GatewayError('INVALID_PAYLOAD', `Invalid ${event} payload: ${hostile}`), ack);
        return;
      }
      handler(socket, payload, ack).catch((err: unknown) => fail(socket, event, err, ack));
    };
    listeners.push([
      event,
      function (this: GatewaySocket, ...args: unknown[]) {
        handle(this, args);
      },
    ]);
  };

  // A request counts as in flight until its ack is queued, so a drain never disconnects before the answer.
  // Every path answers through the request's port (once the response is stored); the ack after the core is
  // only a backstop, a no-op when delivery already answered: Socket.IO sends an ack at most once.
  const request = (handler: RequestCore['sendPrompt']): Handler => (socket, payload, ack) => {
    if (carriesConfirmations(payload)) deps.confirmations.note(socket);
    const port = new SocketReplyPort(deps.delivery, socket.data.user.id, socket.id, ack, socket.data);
    return deps.inFlight.track(handler(socket.data.user, payload, port).then((response) => ack?.(response)));
  };
  on(EVENTS.sendPrompt, false, request(deps.core.sendPrompt));
  on(EVENTS.callTool, false, request(deps.core.callTool));

  on(EVENTS.listTools, true, async (_socket, _payload, ack) => {
    const tools = await deps.runner.listTools();
    ack?.({ ok: true, data: tools });
  });

  on(EVENTS.getHistory, true, async (socket, payload, ack) => {
    const parsed = GetHistorySchema.safeParse(payload ?? {});
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid get-history payload: ${describeZodError(parsed.error)}`);
    const entries = await deps.history.list(socket.data.user.id, parsed.data.limit ?? deps.historyLimit);
    ack?.({ ok: true, data: entries });
  });

  on(EVENTS.cancelPrompt, false, async (socket, payload, ack) => {
    const parsed = CancelPromptSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid cancel-prompt payload: ${describeZodError(parsed.error)}`);
    const cancelled = deps.cancellations.cancel(socket.data.user.id, parsed.data.requestId);
    log.info({ ...ids(socket), requestId: parsed.data.requestId, cancelled }, 'cancel-prompt');
    ack?.({ ok: true, data: { cancelled } });
  });

  // Not a request: no idempotency, no prompt rate limit (typing would exhaust it); the event limit still applies.
  on(EVENTS.suggestPrompts, true, async (socket, payload, ack) => {
    const parsed = SuggestPromptsSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid suggest-prompts payload: ${describeZodError(parsed.error)}`);
    ack?.({ ok: true, data: await deps.suggestions.suggest(socket.data.user, parsed.data) });
  });

  on(EVENTS.getPresence, true, async (socket, _payload, ack) => {
    ack?.({ ok: true, data: await deps.listPresence(socket.data.user.account) });
  });

  on(EVENTS.ackResponse, false, async (socket, payload, ack) => {
    const { user } = socket.data;
    const parsed = AckResponseSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid ack-response payload: ${describeZodError(parsed.error)}`);
    deps.confirmations.note(socket);
    const removed = 'requestIds' in parsed.data ? await deps.mailbox.ackMany(user.id, parsed.data.requestIds) : await deps.mailbox.ack(user.id, parsed.data.requestId);
    ack?.({ ok: true, data: { removed } });
  });

  on(EVENTS.authRefresh, false, async (socket, payload, ack) => {
    const { user } = socket.data;
    const parsed = AuthRefreshSchema.safeParse(payload);
    if (!parsed.success) throw new GatewayError('INVALID_PAYLOAD', `Invalid auth-refresh payload: ${describeZodError(parsed.error)}`);
    const verified = await deps.verifier.verify(parsed.data.token);
    if (verified.user.id !== user.id || verified.user.account !== user.account) {
      throw new GatewayError('FORBIDDEN', 'auth-refresh token is for another user');
    }
    deps.rescheduleExpiry(socket, verified.expiresAt);
    log.info(ids(socket), 'token refreshed');
    ack?.({ ok: true, data: { expiresAt: verified.expiresAt === null ? null : new Date(verified.expiresAt).toISOString() } });
  });

  // A middleware, not onAny: it runs after the event rate limit (event-limit.ts), which answers what it drops.
  // An unknown event sent with an ack gets the ack answered UNKNOWN_EVENT; one without, the `error` event.
  // Socket.IO calls a middleware without the socket, so this one closure per socket remains.
  const refuseUnknown = (socket: GatewaySocket) => (packet: unknown[], next: (err?: Error) => void) => {
    const [event] = packet;
    if (typeof event === 'string' && CLIENT_EVENTS.has(event)) return next();
    const name = eventName(event);
    const message = `Unknown event "${name}"`;
    log.warn({ ...ids(socket), event: name }, 'unknown event');
    deps.refusedEvents.inc({ code: 'UNKNOWN_EVENT' });
    if (!answerRefusal(packet, 'UNKNOWN_EVENT', message)) socket.emit('error', { code: 'UNKNOWN_EVENT', message, event: name });
  };

  function onError(this: GatewaySocket, err: Error): void {
    log.warn({ ...ids(this), err }, 'socket error');
  }

  return (socket) => {
    for (const [event, listener] of listeners) socket.on(event as 'send-prompt', listener);
    socket.use(refuseUnknown(socket));
    socket.on('error', onError);
    // The account's machines and sequences load in the background now, so the first keystroke finds them.
    deps.suggestions.warm(socket.data.user);
  };
}
