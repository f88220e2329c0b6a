// Answers an event refused before its handler runs (unknown event, the per-socket event limit): a client that sent
// an ack callback gets it answered instead of waiting for its own timeout, in the shape that event's answers have
// (a PromptResponse for send-prompt / call-tool, an AckResult `{ ok: false, code, message }` for every other
// event, unknown ones included); a client without one gets the `error` event, as before.
import { EVENTS, type ErrorCode } from '@leadlovers/protocol';
import { requestIdOf } from '../core/payload.js';
import { splitArgs } from './args.js';

type RefusalCode = Extract<ErrorCode, 'UNKNOWN_EVENT' | 'RATE_LIMITED'>;

/** The answer a refused event's ack gets. */
export function refusalAnswer(event: unknown, payload: unknown, code: RefusalCode, message: string): unknown {
  if (event === EVENTS.sendPrompt || event === EVENTS.callTool) {
    return { isSuccess: false, code, message, error: message, requestId: requestIdOf(payload), metadata: { executionTime: 0 } };
  }
  return { ok: false, code, message };
}

/**
 * Answers the refused packet's ack if it carries one and reports whether it did. Socket.IO hands middlewares the
 * event's arguments with the ack callback last, as it hands them to handlers.
 */
export function answerRefusal(packet: unknown[], code: RefusalCode, message: string): boolean {
  const [event, ...args] = packet;
  const { payload, ack } = splitArgs(args);
  if (!ack) return false;
  ack(refusalAnswer(event, payload, code, message));
  return true;
}

/** The event's name as logged and echoed: bounded, whatever the client sent. */
export const eventName = (event: unknown): string => String(event).slice(0, 64);
