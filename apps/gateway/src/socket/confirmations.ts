// Which connections take part in confirmations, the rule the mailbox replays by (README "Mailbox"). A connection
// confirms when its handshake says so (`auth.resume: true`: the SDK, the console), when its user has confirmed a
// response before (on any node: ConfirmingUsers is in Redis in cluster mode), or from its first confirmation on
// (a prompt-response receipt, `received` on a request, ack-response). Such connections keep exactly-once delivery:
// a response stays in the mailbox and is re-sent on reconnect until confirmed. Every other connection (a client
// that only listens to prompt-response) gets each response once: what reached it leaves the mailbox at once.
import type { Logger } from 'pino';
import type { GatewaySocket } from '../shared/socket.js';
import type { ConfirmingUsers } from '../store/confirming-users.js';

export interface ConfirmationTracker {
  /** Sets socket.data.confirms from the handshake; then, if still false, from whether the user confirmed before. */
  resolve(socket: GatewaySocket): Promise<boolean>;
  /** A confirmation arrived on this socket: it, and from now on its user's every connection, confirm. */
  note(socket: GatewaySocket): void;
}

/** Whether the handshake declares the resume capability. */
export const declaresResume = (socket: GatewaySocket): boolean => (socket.handshake.auth as { resume?: unknown } | undefined)?.resume === true;

/** Whether a send-prompt / call-tool payload confirms earlier responses (`received`), checked before validation. */
export const carriesConfirmations = (payload: unknown): boolean => {
  const received = (payload as { received?: unknown } | null | undefined)?.received;
  return Array.isArray(received) && received.length > 0;
};

export function createConfirmationTracker(users: ConfirmingUsers, logger: Logger): ConfirmationTracker {
  return {
    async resolve(socket) {
      socket.data.confirms = socket.data.confirms === true || declaresResume(socket);
      if (socket.data.confirms) return true;
      try {
        if (await users.has(socket.data.user.id)) socket.data.confirms = true;
      } catch (err) {
        // Redis down: the mailbox is out of reach too; the connection is treated by its handshake alone.
        logger.warn({ socketId: socket.id, userId: socket.data.user.id, err }, 'could not read whether the user confirms');
      }
      return socket.data.confirms;
    },
    note(socket) {
      if (socket.data.confirms) return;
      socket.data.confirms = true;
      users.add(socket.data.user.id).catch((err: unknown) => logger.warn({ socketId: socket.id, userId: socket.data.user.id, err }, 'could not record that the user confirms'));
    },
  };
}
