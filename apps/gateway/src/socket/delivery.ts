// Delivery of prompt-responses. The response is already in the mailbox; here it is emitted with a Socket.IO ack
// when the asking socket is on this node, and the client's receipt (calling the ack) clears it from the mailbox.
// When that socket is gone (replaced, reconnecting) the user's room gets it, on whichever node the user now is.
import type { Logger } from 'pino';
import type { PromptResponse } from '@leadlovers/protocol';
import type { Mailbox } from '../store/mailbox.js';
import { userRoom, type GatewayServer, type GatewaySocket } from './types.js';

const RECEIPT_TIMEOUT_MS = 30_000;

export interface Delivery {
  deliver(userId: string, response: PromptResponse, originSocketId: string | undefined): void;
  /** Re-sends undelivered responses to a socket that just connected. */
  replay(socket: GatewaySocket, responses: PromptResponse[]): void;
}

export function createDelivery(io: GatewayServer, mailbox: Mailbox, logger: Logger): Delivery {
  const sendWithReceipt = (socket: GatewaySocket, userId: string, response: PromptResponse): void => {
    // The typed ack of 'prompt-response' is optional for clients; with a timeout the server waits for it.
    const emitter = socket.timeout(RECEIPT_TIMEOUT_MS) as unknown as {
      emit(event: 'prompt-response', response: PromptResponse, onReceipt: (err: Error | null) => void): void;
    };
    emitter.emit('prompt-response', response, (err) => {
      if (err) return; // no receipt: the response stays in the mailbox until ack-response or a reconnect
      mailbox.ack(userId, response.requestId).catch((error: unknown) => logger.warn({ err: error }, 'mailbox ack after receipt failed'));
    });
  };

  return {
    deliver(userId, response, originSocketId) {
      const origin = originSocketId ? io.sockets.sockets.get(originSocketId) : undefined;
      if (origin?.connected) sendWithReceipt(origin, userId, response);
      else io.to(userRoom(userId)).emit('prompt-response', response);
    },
    replay(socket, responses) {
      for (const response of responses) {
        sendWithReceipt(socket, socket.data.user.id, { ...response, metadata: { ...response.metadata, replayed: true } });
      }
    },
  };
}
