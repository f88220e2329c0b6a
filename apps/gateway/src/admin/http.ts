// The admin API's HTTP plumbing: JSON answers and errors (every error carries a `code`), a request body read with
// a byte bound (past it 413 PAYLOAD_TOO_LARGE, without buffering the rest) and parsed as JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The admin API's error codes (HTTP, not the Socket.IO protocol's set). */
export type AdminErrorCode =
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_PAYLOAD'
  | 'PAYLOAD_TOO_LARGE'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export class AdminHttpError extends Error {
  override readonly name = 'AdminHttpError';
  constructor(
    readonly status: number,
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, err: AdminHttpError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { code: err.code, message: err.message }, headers);
}

/**
 * The request's body as JSON; an empty body is `{}`. A declared or actual size above maxBytes is refused with 413
 * as soon as it is known; the connection is then closed rather than drained.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = () => new AdminHttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdminHttpError(400, 'INVALID_PAYLOAD', 'request body is not valid JSON');
  }
}
