// A hand-made Engine.IO/Socket.IO client over a raw WebSocket (the `ws` package): the frames it sends are written
// by the test as text (`40…` CONNECT, `42[…]` EVENT, `43<id>[…]` ACK), as an attacker would, with nothing of
// socket.io-client's own checks or pacing in between.
import WebSocket from 'ws';

export interface RawWebSocket {
  readonly ws: WebSocket;
  /** Every text frame received, in order (Engine.IO open `0…`, Socket.IO packets `4…`, pings `2`). */
  readonly frames: string[];
  send(frame: string): void;
  /** Resolves with the close code once the server (or the network) closed the connection. */
  readonly closed: Promise<number>;
  /** Waits for a received frame matching `test`. */
  next(test: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): void;
}

/** Opens an Engine.IO WebSocket session (no Socket.IO CONNECT yet); rejects with the HTTP refusal's status and body. */
export function openRaw(url: string, timeoutMs = 5_000): Promise<RawWebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  const waiters = new Set<{ test: (frame: string) => boolean; resolve: (frame: string) => void }>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const frame = data.toString();
    frames.push(frame);
    // Answer the server's pings, as a live client does.
    if (frame === '2') ws.send('3');
    for (const waiter of waiters) {
      if (waiter.test(frame)) {
        waiters.delete(waiter);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const raw: RawWebSocket = {
    ws,
    frames,
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    closed,
    next: (test, ms = 5_000) => {
      const seen = frames.find(test);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { test, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`no matching frame within ${ms} ms; got ${frames.slice(-5).join(' | ')}`));
        }, ms).unref();
      });
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no Engine.IO open packet')), timeoutMs);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        clearTimeout(timer);
        reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body }));
      });
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    raw.next((frame) => frame.startsWith('0{'), timeoutMs).then(() => {
      clearTimeout(timer);
      resolve(raw);
    }, reject);
  });
}

/** Opens a session and completes the Socket.IO CONNECT with this token. */
export async function connectRaw(url: string, token: string): Promise<RawWebSocket> {
  const raw = await openRaw(url);
  raw.send(`40${JSON.stringify({ token })}`);
  await raw.next((frame) => frame.startsWith('40{"sid"'));
  return raw;
}
