// The admin HTTP API, served on the metrics/admin listener (METRICS_PORT) only, never on the public port: every
// route needs `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN the routes do not exist (404). Routes:
// disconnect a user cluster-wide, revoke a user's tokens, presence of an account, push an event to an account or a user, drain
// this node, and this node's state. Each answer is JSON; each error has a `code` (http.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PresenceUser } from '@leadlovers/protocol';
import { z } from 'zod';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Notifier, PushEvent } from '../notify/notifier.js';
import { GatewayError } from '../shared/errors.js';
import { describeZodError } from '../shared/validation.js';
import { createAdminAuth } from './auth.js';
import { AdminHttpError, readJsonBody, sendError, sendJson } from './http.js';
import { DisconnectSchema, NotifySchema, PresenceQuerySchema, RevokeSchema } from './schemas.js';

export interface AdminDeps {
  /** ADMIN_TOKEN; undefined: the admin API is off (404). */
  token: string | undefined;
  maxBodyBytes: number;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'adminRequests' | 'adminAuthFailures' | 'sessionKicks'>;
  /** Cluster-wide: the user's sockets get session-replaced (reason admin), then are disconnected, on any node. */
  disconnectUser(userId: string): void;
  /** Records that the user's tokens issued before now are refused (every node), then disconnects the user. */
  revokeUser(userId: string): Promise<{ revokedBefore: Date; ttlSeconds: number }>;
  presence(account: string): Promise<PresenceUser[]>;
  notifier(): Notifier;
  /** Starts draining this node; resolves at once (the drain runs on). */
  drain(): { alreadyDraining: boolean; sockets: number };
  info(): Record<string, unknown>;
}

export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

type Route = (req: IncomingMessage, url: URL) => Promise<{ status: number; body: unknown }>;

export function createAdminHandler(deps: AdminDeps): AdminHandler {
  const { logger, metrics } = deps;
  const log = logger.child({ component: 'admin' });
  const check = deps.token === undefined ? undefined : createAdminAuth(deps.token);
  const body = async <S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> => parse(schema, await readJsonBody(req, deps.maxBodyBytes));

  const routes: Record<string, Partial<Record<'GET' | 'POST', Route>>> = {
    '/admin/disconnect': {
      POST: async (req) => {
        const { userId, reason } = await body(req, DisconnectSchema);
        deps.disconnectUser(userId);
        metrics.sessionKicks.inc({ cause: 'admin' });
        log.info({ userId, reason }, 'admin: user disconnected cluster-wide');
        return { status: 200, body: { userId, disconnected: true } };
      },
    },
    '/admin/revoke': {
      POST: async (req) => {
        const { userId, reason } = await body(req, RevokeSchema);
        const { revokedBefore, ttlSeconds } = await deps.revokeUser(userId);
        metrics.sessionKicks.inc({ cause: 'admin' });
        log.info({ userId, reason, revokedBefore, ttlSeconds }, 'admin: tokens revoked and user disconnected cluster-wide');
        return { status: 200, body: { userId, revokedBefore: revokedBefore.toISOString(), ttlSeconds, disconnected: true } };
      },
    },
    '/admin/presence': {
      GET: async (_req, url) => {
        const { account } = parse(PresenceQuerySchema, Object.fromEntries(url.searchParams));
        const users = await deps.presence(account);
        return { status: 200, body: { account, users } };
      },
    },
    '/admin/notify': {
      POST: async (req) => {
        const { account, userId, event, data } = await body(req, NotifySchema);
        const target = account !== undefined ? { account } : { user: userId as string };
        // Any event name the schema let through: the typed notifier knows only the protocol's own.
        const notify = deps.notifier().notify as (target: { account: string } | { user: string }, event: PushEvent, data: unknown) => Promise<void>;
        await notify(target, event as PushEvent, data);
        log.info({ ...target, event }, 'admin: event pushed');
        return { status: 202, body: { ...target, event, sent: true } };
      },
    },
    '/admin/drain': {
      POST: async (req) => {
        await body(req, EmptyBody);
        const { alreadyDraining, sockets } = deps.drain();
        log.warn({ alreadyDraining, sockets }, 'admin: drain requested');
        return { status: 202, body: { draining: true, alreadyDraining, sockets } };
      },
    },
    '/admin/info': { GET: async () => ({ status: 200, body: deps.info() }) },
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    if (!url.pathname.startsWith('/admin/') && url.pathname !== '/admin') return false;
    const routeLabel = url.pathname in routes ? url.pathname : 'unknown';
    const answer = (status: number, payload: unknown, headers?: Record<string, string>) => {
      metrics.adminRequests.inc({ route: routeLabel, status: String(status) });
      sendJson(res, status, payload, headers);
    };
    const fail = (err: AdminHttpError, headers?: Record<string, string>) => {
      metrics.adminRequests.inc({ route: routeLabel, status: String(err.status) });
      sendError(res, err, headers);
    };
    if (!check) {
      fail(new AdminHttpError(404, 'NOT_FOUND', 'the admin API is off (no ADMIN_TOKEN)'));
      return true;
    }
    const auth = check(req.headers);
    if (auth !== 'ok') {
      metrics.adminAuthFailures.inc({ reason: auth });
      log.warn({ path: url.pathname, reason: auth, ip: req.socket.remoteAddress }, 'admin: unauthorized');
      fail(new AdminHttpError(401, 'UNAUTHORIZED', 'the admin API needs Authorization: Bearer <ADMIN_TOKEN>'), { 'www-authenticate': 'Bearer realm="admin"' });
      return true;
    }
    const methods = routes[url.pathname];
    if (!methods) {
      fail(new AdminHttpError(404, 'NOT_FOUND', `no admin route ${url.pathname}`));
      return true;
    }
    const route = methods[req.method as 'GET' | 'POST'];
    if (!route) {
      const allow = Object.keys(methods).join(', ');
      fail(new AdminHttpError(405, 'METHOD_NOT_ALLOWED', `${url.pathname} answers ${allow}`), { allow });
      return true;
    }
    route(req, url).then(
      ({ status, body: payload }) => answer(status, payload),
      (err: unknown) => {
        const error = toAdminError(err);
        if (error.code === 'INTERNAL') log.error({ err, path: url.pathname }, 'admin: request failed');
        // A refused body may still be arriving: close the connection rather than read the rest of it.
        fail(error, error.code === 'PAYLOAD_TOO_LARGE' ? { connection: 'close' } : undefined);
      },
    );
    return true;
  };
}

const EmptyBody = z.strictObject({});

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AdminHttpError(400, 'INVALID_PAYLOAD', describeZodError(parsed.error));
  return parsed.data;
}

function toAdminError(err: unknown): AdminHttpError {
  if (err instanceof AdminHttpError) return err;
  if (err instanceof GatewayError) {
    if (err.code === 'TIMEOUT') return new AdminHttpError(504, 'TIMEOUT', err.message);
    if (err.code === 'INVALID_ARGUMENTS' || err.code === 'INVALID_PAYLOAD') return new AdminHttpError(400, 'INVALID_PAYLOAD', err.message);
    if (err.code === 'INTERNAL') return new AdminHttpError(503, 'UNAVAILABLE', err.message);
  }
  return new AdminHttpError(500, 'INTERNAL', 'admin request failed');
}
