// Type test: the event maps type Socket.IO servers and clients end to end. tsc (pnpm typecheck) checks the
// expect-error directives below; vitest checks the expectTypeOf assertions.
import type { Server, Socket as ServerSocket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  AckResult,
  ClientToServerEvents,
  InterServerEvents,
  PromptResponse,
  ServerToClientEvents,
  SocketData,
  ToolDescriptor,
} from '../src/index.js';

type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type GatewaySocket = ServerSocket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type GatewayClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

describe('event maps', () => {
  it('types the server side', () => {
    const check = (io: GatewayServer, socket: GatewaySocket) => {
      socket.on('send-prompt', (payload, ack) => {
        expectTypeOf(payload.prompt).toEqualTypeOf<string>();
        expectTypeOf(ack).toEqualTypeOf<((response: PromptResponse) => void) | undefined>();
      });
      io.to('user:1').emit('prompt-response', { isSuccess: true, metadata: { executionTime: 1 }, requestId: 'r' });
      // @ts-expect-error metadata.executionTime is required
      io.emit('prompt-response', { isSuccess: true, metadata: {}, requestId: 'r' });
      // @ts-expect-error not a server → client event
      socket.emit('send-prompt', { prompt: 'x' });
      expectTypeOf(socket.data.user.account).toEqualTypeOf<string>();
    };
    expectTypeOf(check).toBeFunction();
  });

  it('types the client side', () => {
    const check = (client: GatewayClient) => {
      client.emit('send-prompt', { prompt: 'Liste as máquinas', requestId: 'r1' }, (response) => {
        expectTypeOf(response).toEqualTypeOf<PromptResponse>();
      });
      client.emit('list-tools', (result) => {
        expectTypeOf(result).toEqualTypeOf<AckResult<ToolDescriptor[]>>();
      });
      // @ts-expect-error prompt must be a string
      client.emit('send-prompt', { prompt: 42 });
      client.on('session-replaced', (notice) => expectTypeOf(notice.at).toEqualTypeOf<string>());
      client.on('error', (error) => expectTypeOf(error.code).toBeString());
    };
    expectTypeOf(check).toBeFunction();
  });
});
