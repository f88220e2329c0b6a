// create_email_content through MCP sampling: asks the connected client's LLM for the email, makes the HTML it
// wrote safe to preview and reports its model. Any failure (client error, timeout, an answer that is not the
// email) falls back to the templates, with the reason, so the tool still answers.
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { EmailDraft } from '../tools/handlers.js';
import type { ToolArgs } from '../tool-types.js';
import { emailRequestText, emailSystemPrompt, parseLlmEmail } from './llm-answer.js';
import { htmlToText, sanitizeEmailHtml } from './sanitize.js';
import { writeEmailFromTemplate } from './templates.js';

/** One sampling/createMessage round trip to the client. */
export type Sample = (params: CreateMessageRequest['params']) => Promise<CreateMessageResult>;

/** Enough for a subject, a preheader and a modest HTML body; the client may cap it lower. */
export const EMAIL_MAX_TOKENS = 4000;

export async function writeEmailBySampling(args: ToolArgs<'create_email_content'>, sample: Sample, log: Logger): Promise<EmailDraft> {
  const language = args.language ?? 'pt-BR';
  let result: CreateMessageResult;
  try {
    result = await sample({
      messages: [{ role: 'user', content: { type: 'text', text: emailRequestText(args) } }],
      systemPrompt: emailSystemPrompt(language),
      maxTokens: EMAIL_MAX_TOKENS,
      includeContext: 'none',
    });
  } catch (err) {
    return fallback(args, `the client's LLM did not answer: ${err instanceof Error ? err.message : String(err)}`, log);
  }
  const parsed = parseLlmEmail(textOf(result.content));
  if (!parsed.ok) return fallback(args, `the client's LLM (${result.model}) did not write a usable email: ${parsed.reason}`, log);
  const html = sanitizeEmailHtml(parsed.email.html);
  return { subject: parsed.email.subject, preheader: parsed.email.preheader, html, text: htmlToText(html), model: result.model || 'unknown' };
}

function textOf(content: CreateMessageResult['content']): string {
  const blocks = Array.isArray(content) ? content : [content];
  return blocks.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
}

function fallback(args: ToolArgs<'create_email_content'>, reason: string, log: Logger): EmailDraft {
  log.warn({ reason }, 'sampling failed; create_email_content falls back to the templates');
  return { ...writeEmailFromTemplate(args), fallbackReason: reason };
}
