// Local servers that tests stand up (a JWKS endpoint, fake LLM APIs, proxies): listening on an ephemeral loopback
// port, so parallel files never collide, and closing without waiting for idle keep-alive connections.
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/** Listens on 127.0.0.1 port 0 and resolves with the base URL, http://127.0.0.1:<port>. */
export async function listenLocal(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes an HTTP server and every connection still open to it. */
export function closeServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
