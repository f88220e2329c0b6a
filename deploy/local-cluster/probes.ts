// Small network probes for the local cluster and its test: an HTTP(S) GET that can pin the client's source
// address and trust a given CA (fetch can do neither without extra packages), and a Redis PING over raw RESP.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export interface ProbeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ProbeOptions {
  /** PEM of the CA to trust (the local cluster's self-signed certificate). */
  ca?: string;
  /** Source address of the connection, e.g. 127.0.0.3 (Linux routes all of 127/8 to lo). */
  localAddress?: string;
  timeoutMs?: number;
}

/** One GET on a fresh connection (no agent, so no connection reuse across source addresses). */
export function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'GET',
        agent: false,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        timeout: options.timeoutMs ?? 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves when the Redis at `url` answers PING (authenticating first when the URL carries a password). */
export function pingRedis(url: string, timeoutMs = 2_000): Promise<void> {
  const target = new URL(url);
  const commands: string[][] = [];
  if (target.password) {
    const password = decodeURIComponent(target.password);
    commands.push(target.username ? ['AUTH', decodeURIComponent(target.username), password] : ['AUTH', password]);
  }
  commands.push(['PING']);
  const payload = commands.map((args) => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`).join('');

  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname || '127.0.0.1', port: Number(target.port || 6379) });
    let reply = '';
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`redis at ${target.host}: no answer within ${timeoutMs} ms`)));
    socket.on('error', (err) => fail(new Error(`redis at ${target.host}: ${err.message}`)));
    socket.on('connect', () => socket.write(payload));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.startsWith('-')) return fail(new Error(`redis at ${target.host}: ${reply.trim()}`));
      if (reply.includes('+PONG\r\n')) {
        socket.end();
        resolve();
      }
    });
  });
}
