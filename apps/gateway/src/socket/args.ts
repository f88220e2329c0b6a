// Socket.IO hands a handler its arguments as sent: the payload, then the ack callback if the client passed one.

export type Ack = (value: unknown) => void;

/** Socket.IO passes the ack callback as the last argument, if the client gave one. */
export function splitArgs(args: unknown[]): { payload: unknown; ack: Ack | undefined } {
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    return { payload: args.length > 1 ? args[0] : undefined, ack: last as Ack };
  }
  return { payload: args[0], ack: undefined };
}
