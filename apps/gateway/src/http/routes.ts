// Plain HTTP routes beside Socket.IO: health, readiness, Prometheus metrics (unless on their own port) and the
// console's static files. Socket.IO answers its own /socket.io/ path before this handler sees the request.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { MetricsHandler } from './metrics-endpoint.js';

const CONSOLE_DIR = fileURLToPath(new URL('../../../console/public/', import.meta.url));
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

export interface ReadinessCheck {
  name: string;
  check(): boolean;
}

export interface RouteOptions {
  nodeId: string;
  readiness: ReadinessCheck[];
  /** GET /metrics; absent when metrics are served on their own port. */
  metrics: MetricsHandler | undefined;
}

export function createRequestHandler({ nodeId, readiness, metrics }: RouteOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'application/json', JSON.stringify({ error: 'method not allowed' }));

    if (path === '/healthz') return send(res, 200, 'application/json', JSON.stringify({ status: 'ok', node: nodeId }));
    if (path === '/readyz') {
      const checks = Object.fromEntries(readiness.map((c) => [c.name, c.check()]));
      const ready = Object.values(checks).every(Boolean);
      return send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ready' : 'not-ready', node: nodeId, checks }));
    }
    if (path === '/metrics' && metrics) return metrics(req, res);
    const asset = STATIC_FILES[path];
    if (!asset) return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    readFile(CONSOLE_DIR + asset.file).then(
      (body) => send(res, 200, asset.type, body, { 'cache-control': 'no-cache' }),
      () => send(res, 404, 'application/json', JSON.stringify({ error: 'console not found' })),
    );
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(body);
}
