// The Socket.IO packet encoder, with one shortcut: an ack whose single argument is an EncodedJson is written from
// that JSON text as is. The request core serializes each response once, for the store (the Redis record, the
// history entry) and for the wire; the stock encoder would walk the response again for binary attachments and
// stringify it a second time. The frame is byte for byte what the stock encoder writes for the same response
// (`3<id>[<json>]`, with the namespace when not '/'), so clients see no difference; everything else, and every
// decode, is the stock socket.io-parser.
import { createRequire } from 'node:module';
import type * as SocketIoParser from 'socket.io-parser';

// The CommonJS build, the one socket.io itself loads: the package's ESM entry for Node is its debug build (a
// debug() call per packet) and would be a second copy of the module.
const { Decoder, Encoder, PacketType, protocol } = createRequire(import.meta.url)('socket.io-parser') as typeof SocketIoParser;
type Packet = SocketIoParser.Packet;

/** A value already serialized with JSON.stringify, sent as the only argument of an ack. */
export class EncodedJson {
  constructor(readonly json: string) {}
}

class GatewayEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<SocketIoParser.Encoder['encode']> {
    const data: unknown = packet.data;
    if (packet.type === PacketType.ACK && Array.isArray(data) && data.length === 1 && data[0] instanceof EncodedJson) {
      const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
      return [`${PacketType.ACK}${nsp}${packet.id ?? ''}[${data[0].json}]`];
    }
    return super.encode(packet);
  }
}

/** The `parser` option of the gateway's Socket.IO server. */
export const gatewayParser = { Encoder: GatewayEncoder, Decoder, protocol };
