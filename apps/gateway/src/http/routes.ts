// Plain HTTP routes beside Socket.IO: health, readiness, Prometheus metrics (unless on their own port), the
// console's static files, the client SDK's browser bundle (/client.js) and the AsyncAPI document of the Socket.IO
// contract (/asyncapi.json, packages/protocol/asyncapi.json as checked in). Socket.IO answers its own /socket.io/
// path before this handler sees the request.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MetricsHandler } from '../metrics/endpoint.js';

// Both through the packages (dependencies of this one), so the same code finds them in the workspace and in the
// image's `pnpm deploy` output, where they are copies under node_modules.
const packages = createRequire(import.meta.url);
const CONSOLE_DIR = join(dirname(packages.resolve('@leadlovers/console/package.json')), 'public/');
const ASYNCAPI_FILE = packages.resolve('@leadlovers/protocol/asyncapi.json');
const JAVASCRIPT = 'text/javascript; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
/**
 * The console's policy (apps/console/README.md): its own scripts only, no inline script or eval, WebSocket and
 * polling to this origin only, never framed. `style-src 'unsafe-inline'` and `img-src https:` are for the email
 * preview: its sandboxed srcdoc iframe inherits this policy, and generated emails use inline styles and remote
 * images.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; " +
  "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
interface StaticFile {
  file: string;
  type: string;
}
const STATIC_FILES: Record<string, StaticFile> = {
  '/': { file: 'index.html', type: HTML },
  '/index.html': { file: 'index.html', type: HTML },
  '/console.js': { file: 'console.js', type: JAVASCRIPT },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};
/**
 * The console's ES modules, apps/console/public/modules/<name>.js. The name is letters, digits and dashes only, so
 * no request (`..`, `%2e%2e`, `/`, `\\`) can name a file outside that folder; a name with no file there is a 404.
 */
const CONSOLE_MODULE = /^\/modules\/([a-z][a-z0-9-]*)\.js$/;

function consoleFile(path: string): StaticFile | undefined {
  const module = CONSOLE_MODULE.exec(path);
  return module ? { file: `modules/${module[1]}.js`, type: JAVASCRIPT } : STATIC_FILES[path];
}

export interface ReadinessCheck {
  name: string;
  check(): boolean;
}

export interface RouteOptions {
  nodeId: string;
  readiness: ReadinessCheck[];
  /** States /readyz's body reports beside its checks without gating its status (Redis). */
  reported?: ReadinessCheck[] | undefined;
  /** GET /metrics; absent when metrics are served on their own port. */
  metrics: MetricsHandler | undefined;
  /** POST /webhooks/leadlovers/…: the LeadLovers webhook (webhooks/leadlovers.ts). */
  webhook?: ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>) | undefined;
}

export function createRequestHandler({ nodeId, readiness, reported = [], metrics, webhook }: RouteOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (webhook && path.startsWith('/webhooks/')) {
      void webhook(req, res, path);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'application/json', JSON.stringify({ error: 'method not allowed' }));

    if (path === '/healthz') return send(res, 200, 'application/json', JSON.stringify({ status: 'ok', node: nodeId }));
    if (path === '/readyz') {
      const checks = Object.fromEntries(readiness.map((c) => [c.name, c.check()]));
      const ready = Object.values(checks).every(Boolean);
      const states = Object.fromEntries(reported.map((c) => [c.name, c.check()]));
      return send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ready' : 'not-ready', node: nodeId, checks, ...states }));
    }
    if (path === '/metrics' && metrics) return metrics(req, res);
    if (path === '/asyncapi.json') {
      asyncApiDocument().then(
        (body) => send(res, 200, 'application/json', body, { 'cache-control': 'no-cache', 'access-control-allow-origin': '*' }),
        () => send(res, 500, 'application/json', JSON.stringify({ error: 'asyncapi document unavailable' })),
      );
      return;
    }
    if (path === '/client.js') {
      clientBundle().then(
        (body) => send(res, 200, 'text/javascript; charset=utf-8', body, { 'cache-control': 'no-cache' }),
        () => send(res, 503, 'application/json', JSON.stringify({ error: 'client bundle not built: run `pnpm build`' })),
      );
      return;
    }
    const asset = consoleFile(path);
    if (!asset) return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    readFile(CONSOLE_DIR + asset.file).then(
      (body) => send(res, 200, asset.type, body, { 'cache-control': 'no-cache' }),
      () => send(res, 404, 'application/json', JSON.stringify({ error: 'console not found' })),
    );
  };
}

// The AsyncAPI document, read on the first request and kept (it changes only with a new build).
let asyncApi: Promise<Buffer> | undefined;
function asyncApiDocument(): Promise<Buffer> {
  asyncApi ??= readFile(ASYNCAPI_FILE).catch((err: unknown) => {
    asyncApi = undefined;
    throw err;
  });
  return asyncApi;
}

// The SDK's browser bundle, built once by `pnpm build` (@leadlovers/client/bundle, packages/client/dist/bundle/client.js;
// the test run's global setup writes it too): read on the first request and kept. Missing (sources never built) is a
// 503 that says so.
let bundle: Promise<Buffer> | undefined;
function clientBundle(): Promise<Buffer> {
  bundle ??= Promise.resolve()
    .then(() => readFile(packages.resolve('@leadlovers/client/bundle')))
    .catch((err: unknown) => {
      bundle = undefined;
      throw err;
    });
  return bundle;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Nothing this server answers is meant to be framed; the page gets its policy (older browsers: X-Frame-Options).
    'x-frame-options': 'DENY',
    ...(type === HTML ? { 'content-security-policy': CONSOLE_CSP } : {}),
    ...headers,
  });
  res.end(body);
}
