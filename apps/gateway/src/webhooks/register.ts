// Registers the gateway's webhook for an account with LeadLovers (POST /RestHook?applicationName=…, body
// {Target_url, Event: "new_lead_event"}), using the account's LeadLovers token through the same REST client the
// MCP server uses. The Target_url carries the account's derived secret in its path (LeadLovers cannot sign).
import { z } from 'zod';
import { createLeadLoversClient, DEFAULT_API_URL } from '@leadlovers/mcp-server';
import { webhookTargetUrl, WEBHOOK_PATH_PREFIX } from './leadlovers.js';

export interface RegisterOptions {
  account: string;
  /** The gateway's public base URL as LeadLovers reaches it (PUBLIC_URL), e.g. https://ws.example.com. */
  publicUrl: string;
  /** WEBHOOK_SECRET of the gateways. */
  masterSecret: string;
  /** The account's LeadLovers token. */
  token: string;
  apiUrl?: string | undefined;
  applicationName?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Registration {
  /** The registered URL with its secret replaced by '…', safe to print. */
  shownTargetUrl: string;
  message: string | undefined;
}

const RestHookAnswer = z.looseObject({ Message: z.string().optional() }).or(z.unknown());

export async function registerWebhook(options: RegisterOptions): Promise<Registration> {
  const targetUrl = webhookTargetUrl(options.publicUrl, options.masterSecret, options.account);
  const client = createLeadLoversClient({
    baseUrl: options.apiUrl ?? DEFAULT_API_URL,
    timeoutMs: options.timeoutMs ?? 15_000,
    maxAttempts: 1,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const answer = await client.request(options.token, {
    method: 'POST',
    path: '/RestHook',
    query: { applicationName: options.applicationName ?? 'leadlovers-realtime-gateway' },
    body: { Target_url: targetUrl, Event: 'new_lead_event' },
    schema: RestHookAnswer,
  });
  const message = answer && typeof answer === 'object' && 'Message' in answer && typeof answer.Message === 'string' ? answer.Message : undefined;
  return { shownTargetUrl: `${options.publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH_PREFIX}${encodeURIComponent(options.account)}/…`, message };
}
