// Delivery to connections that do not take part in confirmations (confirmations.ts): each response once. What
// reached such a socket leaves the mailbox at once; one that finished with no socket to go to stays there and is
// sent once, by whichever path takes it out of the mailbox first (the next connection's replay, or the completion
// finding the user's live socket on another node), so two nodes never both send it.
import type { Logger } from 'pino';
import type { PromptResponse } from '@leadlovers/protocol';
import type { Mailbox } from '../store/mailbox.js';
import { userRoom, type GatewayServer } from '../shared/socket.js';

export interface OnceDelivery {
  /** The response reached a socket that does not confirm: nothing will confirm it, so it leaves the mailbox now. */
  delivered(userId: string, requestId: string): void;
  /** The asking socket (which did not confirm) is gone: to the user's live socket(s), if the mailbox still had it. */
  toRoom(userId: string, response: PromptResponse): void;
  /** The responses a (re)connected socket that does not confirm may be sent: those it took out of the mailbox. */
  take(userId: string, responses: PromptResponse[]): Promise<PromptResponse[]>;
}

export function createOnceDelivery(io: GatewayServer, mailbox: Mailbox, logger: Logger): OnceDelivery {
  return {
    delivered(userId, requestId) {
      mailbox.ack(userId, requestId).catch((err: unknown) => logger.warn({ err, userId, requestId }, 'mailbox removal after a once-only delivery failed'));
    },
    toRoom(userId, response) {
      const room = userRoom(userId);
      io.in(room)
        .fetchSockets()
        .then(async (sockets) => {
          // A connection that confirms will confirm it: the mailbox keeps it until then. No socket: the next connect gets it.
          if (sockets.some((socket) => socket.data.confirms)) io.to(room).emit('prompt-response', response);
          else if (sockets.length > 0 && (await mailbox.ack(userId, response.requestId))) for (const socket of sockets) socket.emit('prompt-response', response);
        })
        .catch((err: unknown) => {
          // The cluster did not answer: send it as to any client; it stays in the mailbox (at worst sent twice, never lost).
          logger.warn({ err, userId, requestId: response.requestId }, "could not find the user's sockets; sending to their room");
          io.to(room).emit('prompt-response', response);
        });
    },
    async take(userId, responses) {
      const taken = await Promise.all(responses.map((response) => mailbox.ack(userId, response.requestId)));
      return responses.filter((_, i) => taken[i]);
    },
  };
}
