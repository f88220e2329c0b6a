// Delivery of prompt-responses and prompt-progress. The response is already in the mailbox. When the request came
// with an ack and its socket is still here, the ack IS the delivery (one frame); the client confirms it later
// (`received` on its next request, or ack-response) and until then a reconnect re-sends it. Without an ack the
// response is emitted with a receipt callback whose call clears the mailbox. When the asking socket is gone
// (replaced, reconnecting) the user's room gets it, on whichever node the user now is. A connection that does not
// take part in confirmations (confirmations.ts) gets each response once: what reaches it leaves the mailbox.
import type { Logger } from 'pino';
import type { PromptProgress, PromptResponse } from '@leadlovers/protocol';
import type { ReplyPort } from '../core/types.js';
import type { Mailbox } from '../store/mailbox.js';
import type { Ack } from './args.js';
import type { ConfirmationTracker } from './confirmations.js';
import { createOnceDelivery } from './once-delivery.js';
import { EncodedJson } from './wire.js';
import { userRoom, type GatewayServer, type GatewaySocket } from '../shared/socket.js';

const RECEIPT_TIMEOUT_MS = 30_000;

export interface Delivery {
  /**
   * A request's response: through its ack (`ack`, called at most once) when it has one and its socket is still
   * here, else as a prompt-response event to that socket (its receipt clears the mailbox), else to the user's room,
   * reaching their live socket on whichever node. `json` (JSON.stringify(response), when the caller has it) is what
   * the ack writes, as is.
   */
  deliver(userId: string, response: PromptResponse, socketId: string | undefined, ack: Ack | undefined, confirms?: boolean, json?: string): void;
  /** prompt-progress of a request that asked for it: to its socket, or to the user's room when that is gone. */
  progress(userId: string, originSocketId: string | undefined, progress: PromptProgress): void;
  /**
   * Re-sends undelivered responses to a socket that just connected; resolves with how many it sent. To a socket
   * that does not confirm, each one only if it takes it out of the mailbox first (so no other node sends it too).
   */
  replay(socket: GatewaySocket, responses: PromptResponse[]): Promise<number>;
}

export function createDelivery(io: GatewayServer, mailbox: Mailbox, logger: Logger, confirmations?: ConfirmationTracker): Delivery {
  const once = createOnceDelivery(io, mailbox, logger);
  const sendWithReceipt = (socket: GatewaySocket, userId: string, response: PromptResponse): void => {
    // The typed ack of 'prompt-response' is optional for clients; with a timeout the server waits for it.
    const emitter = socket.timeout(RECEIPT_TIMEOUT_MS) as unknown as {
      emit(event: 'prompt-response', response: PromptResponse, onReceipt: (err: Error | null) => void): void;
    };
    emitter.emit('prompt-response', response, (err) => {
      if (err) return; // no receipt: the response stays in the mailbox until ack-response or a reconnect
      confirmations?.note(socket);
      mailbox.ack(userId, response.requestId).catch((error: unknown) => logger.warn({ err: error }, 'mailbox ack after receipt failed'));
    });
  };
  const liveSocket = (socketId: string | undefined): GatewaySocket | undefined => {
    const socket = socketId === undefined ? undefined : io.sockets.sockets.get(socketId);
    return socket?.connected ? socket : undefined;
  };

  return {
    deliver(userId, response, socketId, ack, confirms = true, json) {
      const socket = liveSocket(socketId);
      if (!socket) {
        if (confirms) io.to(userRoom(userId)).emit('prompt-response', response);
        else once.toRoom(userId, response);
        return;
      }
      if (ack) ack(json === undefined ? response : new EncodedJson(json));
      else sendWithReceipt(socket, userId, response);
      if (!socket.data.confirms) once.delivered(userId, response.requestId);
    },
    progress(userId, originSocketId, progress) {
      const socket = liveSocket(originSocketId);
      if (socket) socket.emit('prompt-progress', progress);
      else io.to(userRoom(userId)).emit('prompt-progress', progress);
    },
    async replay(socket, responses) {
      const userId = socket.data.user.id;
      const sending = socket.data.confirms ? responses : await once.take(userId, responses);
      for (const response of sending) {
        sendWithReceipt(socket, userId, { ...response, metadata: { ...response.metadata, replayed: true } });
      }
      return sending.length;
    },
  };
}

/**
 * The request core's ReplyPort for one request from a socket: its answer and progress go through delivery, to the
 * ack or the socket while it is here, else to the user's room. A class, so a request allocates one small object
 * rather than a set of closures.
 */
export class SocketReplyPort implements ReplyPort {
  constructor(
    private readonly delivery: Delivery,
    private readonly userId: string,
    private readonly socketId: string,
    private readonly ack: Ack | undefined,
    /** The asking socket's socket.data: whether it confirms is read when the answer is ready (it may have confirmed since). */
    private readonly socketData?: { confirms: boolean },
  ) {}

  reply(response: PromptResponse, json?: string): void {
    this.delivery.deliver(this.userId, response, this.socketId, this.ack, this.socketData?.confirms ?? true, json);
  }

  progress(progress: PromptProgress): void {
    this.delivery.progress(this.userId, this.socketId, progress);
  }
}
