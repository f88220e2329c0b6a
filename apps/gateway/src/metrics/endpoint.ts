// GET /metrics: the instance's registry in the Prometheus text format, optionally behind a bearer token (compared
// in constant time), served from the main HTTP server or from a separate one on METRICS_PORT (which also carries
// the admin API, admin/routes.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createMetricsHandler(registry: Registry, token: string | undefined): MetricsHandler {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return (req, res) => {
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' });
      res.end(JSON.stringify({ error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' }));
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'metrics collection failed' }));
      },
    );
  };
}

/** Answers a request it owns (returns true), or leaves it to the metrics server (false). */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A server for METRICS_PORT: GET /metrics, and the admin API when `extra` is given. */
export function createMetricsServer(handler: MetricsHandler, extra?: ExtraRoutes): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) return handler(req, res);
    if (extra?.(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
