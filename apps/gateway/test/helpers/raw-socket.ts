// A Socket.IO client written by hand over Engine.IO v4 long-polling: it sends and reads the raw frames
// (`40{auth}`, `42["event",…]`, `421["event",…]` with ack id 1, `431[…]` back), as a client nobody here wrote
// would (python-socketio, a hand-made attack). Tests use it where socket.io-client would hide the wire.
const SEPARATOR = '\x1e';

export interface RawPacket {
  /** The Socket.IO packet type digit: 0 CONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR. */
  type: string;
  /** The ack id, when the packet carries one. */
  id?: number;
  data: unknown;
}

export interface RawSocket {
  /** The answer to the CONNECT packet: type '0' (connected) or '4' (connect_error with data.code). */
  readonly handshake: RawPacket;
  /** Writes one raw Socket.IO packet (without the Engine.IO message prefix '4'). */
  send(frame: string): Promise<void>;
  /** Reads until a packet matching `match` arrives (answering pings meanwhile), at most `polls` polls. */
  next(match: (packet: RawPacket) => boolean, polls?: number): Promise<RawPacket>;
  /** Every Socket.IO packet read so far. */
  readonly received: RawPacket[];
  close(): Promise<void>;
}

function parse(packet: string): RawPacket | undefined {
  // Engine.IO message '4', then the Socket.IO type digit, an optional ack id, then JSON.
  const match = /^4(\d)(\d*)(.*)$/s.exec(packet);
  if (!match) return undefined;
  const [, type = '', id, json = ''] = match;
  return { type, ...(id ? { id: Number(id) } : {}), data: json ? (JSON.parse(json) as unknown) : undefined };
}

/** Opens an Engine.IO session and sends CONNECT with `auth`; resolves once the server answered it. */
export async function rawConnect(baseUrl: string, auth: Record<string, unknown>): Promise<RawSocket> {
  const open = await fetch(`${baseUrl}/socket.io/?EIO=4&transport=polling`);
  const body = await open.text();
  if (!body.startsWith('0')) throw new Error(`unexpected Engine.IO open: ${body.slice(0, 200)}`);
  const { sid } = JSON.parse(body.slice(1)) as { sid: string };
  const url = `${baseUrl}/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
  const received: RawPacket[] = [];
  const pending: RawPacket[] = [];

  const post = async (payload: string): Promise<void> => {
    const res = await fetch(url, { method: 'POST', body: payload, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST refused: ${res.status} ${text}`);
  };
  const poll = async (): Promise<void> => {
    const res = await fetch(url);
    const text = await res.text();
    if (!res.ok) throw new Error(`poll refused: ${res.status} ${text}`);
    for (const frame of text.split(SEPARATOR)) {
      if (frame === '2') await post('3');
      const packet = parse(frame);
      if (packet) {
        received.push(packet);
        pending.push(packet);
      }
    }
  };
  const next = async (match: (packet: RawPacket) => boolean, polls = 5): Promise<RawPacket> => {
    for (let i = 0; i <= polls; i++) {
      const index = pending.findIndex(match);
      if (index >= 0) return pending.splice(index, 1)[0] as RawPacket;
      if (i < polls) await poll();
    }
    throw new Error(`no matching packet after ${polls} polls; received ${JSON.stringify(received)}`);
  };

  await post(`40${JSON.stringify(auth)}`);
  const handshake = await next((p) => p.type === '0' || p.type === '4');
  return {
    handshake,
    received,
    send: (frame) => post(`4${frame}`),
    next,
    close: () => post('1').catch(() => undefined),
  };
}
