// POST /webhooks/leadlovers/:account[/:secret] — LeadLovers' "new_lead_event" RestHook. The sender proves it knows
// the account's webhook secret either in the path (what LeadLovers can do: the secret is part of the Target_url
// registered by `pnpm webhook:register`) or by signing the raw body (X-LeadLovers-Signature: sha256=<hex HMAC>),
// both compared in constant time. A valid body becomes `lead-created` in the room account:<account> on every
// node; the same lead Id within the replay window is published once. Every refusal is a 4xx JSON {code, message}
// and publishes nothing: a body that is not JSON (415), nested deeper than the socket payload guard allows (400),
// or from an address that failed authentication too often (429, before any secret is compared). Refusals are
// logged once per interval and code, and all counted.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ErrorCode, LeadCreated } from '@leadlovers/protocol';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { clientAddress } from '../auth/connect-limit.js';
import { createLogThrottle } from '../shared/log-throttle.js';
import { hostilePayload } from '../shared/payload-guard.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Notifier } from '../notify/notifier.js';
import type { ReplayGuard } from './replay-guard.js';

export const WEBHOOK_PATH_PREFIX = '/webhooks/leadlovers/';
export const SIGNATURE_HEADER = 'x-leadlovers-signature';
const ACCOUNT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The per-account secret, derived from WEBHOOK_SECRET: nothing per account to store or rotate separately. */
export function accountWebhookSecret(masterSecret: string, account: string): string {
  return createHmac('sha256', masterSecret).update(`leadlovers-webhook:v1:${account}`).digest('base64url');
}

/** The body signature a sender puts in X-LeadLovers-Signature. */
export function signWebhookBody(accountSecret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', accountSecret).update(body).digest('hex')}`;
}

/** The URL to register with LeadLovers (the secret travels in the path: LeadLovers cannot sign its calls). */
export function webhookTargetUrl(publicUrl: string, masterSecret: string, account: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}${WEBHOOK_PATH_PREFIX}${encodeURIComponent(account)}/${accountWebhookSecret(masterSecret, account)}`;
}

/** Equal-length digests first, so neither the content nor the length of the expected value leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const text = (max: number) => z.string().max(max).nullish();
const idSchema = z.union([z.string().trim().min(1).max(64), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);

/** What LeadLovers POSTs; unknown fields pass (the API may add some), known ones are bounded. */
export const NewLeadWebhookSchema = z.object({
  Id: idSchema,
  Email: z.string().trim().max(320).pipe(z.email()),
  CreatedDate: text(64),
  FixedFieldsEntity: z
    .object({ Name: text(256), Phone: text(64), BirthDate: text(64), Company: text(256), City: text(128), State: text(64) })
    .nullish(),
  DynamicFields: z.array(z.unknown()).max(200).nullish(),
});
export type NewLeadWebhook = z.infer<typeof NewLeadWebhookSchema>;

export function toLeadCreated(account: string, body: NewLeadWebhook, receivedAt: Date): LeadCreated {
  const fixed = body.FixedFieldsEntity ?? {};
  const optional = (value: string | null | undefined) => (value === null || value === undefined || value === '' ? undefined : value);
  const lead: LeadCreated['lead'] = { id: String(body.Id), email: body.Email, dynamicFields: body.DynamicFields ?? [] };
  const fields = { name: fixed.Name, phone: fixed.Phone, company: fixed.Company, city: fixed.City, state: fixed.State, birthDate: fixed.BirthDate, createdAt: body.CreatedDate };
  for (const [key, value] of Object.entries(fields)) {
    const v = optional(value);
    if (v !== undefined) (lead as Record<string, unknown>)[key] = v;
  }
  return { account, lead, receivedAt: receivedAt.toISOString() };
}

export interface WebhookOptions {
  /** WEBHOOK_SECRET; undefined disables the endpoint (404). */
  masterSecret: string | undefined;
  maxBodyBytes: number;
  notifier: () => Notifier;
  replays: ReplayGuard;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Failed authentications per client address per minute before that address gets 429 (default 20). */
  authFailuresPerMinute?: number;
  /** Proxies in front that append to X-Forwarded-For (TRUST_PROXY). */
  trustProxyHops?: number;
}

/** application/json, with parameters (charset) or as a +json subtype. */
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

type Outcome = 'published' | 'duplicate' | 'unauthorized' | 'invalid' | 'too_large' | 'disabled' | 'failed' | 'rate_limited';

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly outcome: Outcome,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Returns a request handler for paths under WEBHOOK_PATH_PREFIX. */
export function createLeadLoversWebhook(options: WebhookOptions) {
  const log = options.logger.child({ component: 'webhook' });
  const warnRefused = createLogThrottle(log, 'webhook refused');
  const failuresPerMinute = options.authFailuresPerMinute ?? 20;
  const authFailures = new RateLimiterMemory({ points: failuresPerMinute, duration: 60 });

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    // The path carries the secret: it is never logged, only the account.
    const [account, pathSecret, ...rest] = path.slice(WEBHOOK_PATH_PREFIX.length).split('/').map(safeDecode);
    const ip = clientAddress({ address: req.socket.remoteAddress ?? '', headers: req.headers }, options.trustProxyHops ?? 0);
    try {
      if (!options.masterSecret) throw new Refusal(404, 'NOT_FOUND', 'Webhooks are not enabled on this gateway (set WEBHOOK_SECRET)', 'disabled');
      if (!account || !ACCOUNT_ID.test(account) || rest.length > 0) throw new Refusal(404, 'NOT_FOUND', 'Unknown webhook path: use /webhooks/leadlovers/<account>', 'invalid');
      if (req.method !== 'POST') throw new Refusal(405, 'INVALID_PAYLOAD', 'Webhooks accept POST only', 'invalid');
      // An address guessing secrets is stopped before any comparison.
      const failures = await authFailures.get(ip);
      if (failures && failures.consumedPoints >= failuresPerMinute) {
        req.resume();
        const retryInS = Math.ceil(failures.msBeforeNext / 1000);
        throw new Refusal(429, 'RATE_LIMITED', `Too many failed webhook authentications from this address; retry in ${retryInS} s`, 'rate_limited');
      }
      const contentType = headerValue(req.headers['content-type']) ?? '';
      if (!JSON_TYPE.test(contentType)) {
        req.resume();
        throw new Refusal(415, 'INVALID_PAYLOAD', 'Webhooks take Content-Type: application/json', 'invalid');
      }
      const secret = accountWebhookSecret(options.masterSecret, account);
      const signature = headerValue(req.headers[SIGNATURE_HEADER]);
      const unauthorized = async (message: string): Promise<never> => {
        req.resume();
        await authFailures.penalty(ip, 1);
        throw new Refusal(401, 'FORBIDDEN', message, 'unauthorized');
      };
      if (!pathSecret && !signature) await unauthorized('Unsigned webhook: put the secret in the path or sign the body (X-LeadLovers-Signature)');
      if (pathSecret && !sameSecret(pathSecret, secret)) await unauthorized('Wrong webhook secret for this account');

      const raw = await readBody(req, options.maxBodyBytes);
      if (!pathSecret && !sameSecret(signature ?? '', signWebhookBody(secret, raw))) await unauthorized('Bad webhook signature');
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new Refusal(400, 'INVALID_PAYLOAD', 'The body is not valid JSON', 'invalid');
      }
      // Before anything walks it recursively (the schema, the publish's encoders).
      const hostile = hostilePayload(json);
      if (hostile) throw new Refusal(400, 'INVALID_PAYLOAD', `Hostile webhook body: ${hostile}`, 'invalid');
      const parsed = NewLeadWebhookSchema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        throw new Refusal(400, 'INVALID_PAYLOAD', 'The body is not a LeadLovers new_lead_event', 'invalid', issues);
      }
      const leadId = String(parsed.data.Id);
      const replayKey = `${account}:${leadId}`;
      if (!(await options.replays.claim(replayKey))) {
        options.metrics.webhookRequests.inc({ outcome: 'duplicate' });
        log.info({ account, leadId }, 'webhook replay ignored');
        return reply(res, 200, { published: false, duplicate: true });
      }
      try {
        await options.notifier().notify({ account }, 'lead-created', toLeadCreated(account, parsed.data, new Date()));
      } catch (err) {
        await options.replays.release(replayKey).catch(() => undefined);
        log.warn({ account, leadId, err: (err as Error).message }, 'webhook publish failed');
        throw new Refusal(503, 'INTERNAL', 'The notification could not be published; retry later', 'failed');
      }
      options.metrics.webhookRequests.inc({ outcome: 'published' });
      log.info({ account, leadId }, 'webhook lead published');
      return reply(res, 200, { published: true });
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal(500, 'INTERNAL', 'Internal error', 'failed');
      if (!(err instanceof Refusal)) log.error({ err: (err as Error).message }, 'webhook handler failed');
      options.metrics.webhookRequests.inc({ outcome: refusal.outcome });
      warnRefused({ account: account && ACCOUNT_ID.test(account) ? account : undefined, ip, status: refusal.status, code: refusal.code, outcome: refusal.outcome });
      reply(res, refusal.status, { code: refusal.code, message: refusal.message, ...(refusal.details ? { issues: refusal.details } : {}) }, refusal.status === 413 ? { connection: 'close' } : {});
    }
  }

  return handle;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return '\u0000';
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads at most `max` bytes: a larger declared or actual body is refused with 413 without buffering it. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.reject(new Refusal(413, 'PAYLOAD_TOO_LARGE', `The body exceeds ${max} bytes`, 'too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        req.resume();
        reject(new Refusal(413, 'PAYLOAD_TOO_LARGE', `The body exceeds ${max} bytes`, 'too_large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
