import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import { EncodedJson, gatewayParser } from '../../src/socket/wire.js';

const response = { isSuccess: true, tool: 'get_machines', data: { machines: [{ MachineName: 'Lançamento — Curso', Leads: 13 }] }, message: 'ok', metadata: { executionTime: 1.5 }, requestId: 'r-1' };

describe('the gateway packet encoder', () => {
  const stock = new Encoder();
  const gateway = new gatewayParser.Encoder();

  it('writes an ack of an EncodedJson byte for byte as the stock encoder writes the object', () => {
    for (const nsp of ['/', '/admin']) {
      const packet = { type: PacketType.ACK, nsp, id: 42, data: [response] };
      expect(gateway.encode({ ...packet, data: [new EncodedJson(JSON.stringify(response))] })).toEqual(stock.encode(packet));
    }
  });

  it('decodes what it wrote back to the response', async () => {
    const [frame] = gateway.encode({ type: PacketType.ACK, nsp: '/', id: 7, data: [new EncodedJson(JSON.stringify(response))] });
    const decoder = new Decoder();
    const decoded = new Promise((resolve) => decoder.on('decoded', resolve));
    decoder.add(frame as string);
    expect(await decoded).toEqual({ type: PacketType.ACK, nsp: '/', id: 7, data: [response] });
  });

  it('leaves every other packet to the stock encoder (events, acks of plain values, binary)', () => {
    const packets = [
      { type: PacketType.EVENT, nsp: '/', data: ['prompt-response', response] },
      { type: PacketType.ACK, nsp: '/', id: 3, data: [response] },
      { type: PacketType.ACK, nsp: '/', id: 4, data: [new EncodedJson('{}'), 'second'] },
      { type: PacketType.EVENT, nsp: '/', data: ['file', Buffer.from([1, 2, 3])] },
      { type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } },
    ];
    for (const packet of packets) expect(gateway.encode(packet)).toEqual(stock.encode(packet));
  });
});
