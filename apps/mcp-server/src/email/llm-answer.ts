// The email an LLM is asked for through sampling, both ways: the prompt asking for one JSON object {subject,
// preheader, html} in the caller's language and tone, and the parser that finds that object in the answer
// (code fences and chatter around it included) and validates it.
import { z } from 'zod';
import type { ToolArgs } from '../tool-types.js';

export interface LlmEmail {
  subject: string;
  preheader: string;
  html: string;
}

const LlmEmailSchema = z.object({
  subject: z.string().trim().min(1).max(200),
  preheader: z.string().trim().max(300).default(''),
  html: z.string().trim().min(1).max(100_000),
});

const MAX_CANDIDATES = 20;

export function emailSystemPrompt(language: 'pt-BR' | 'en'): string {
  const lang = language === 'en' ? 'English' : 'Brazilian Portuguese (pt-BR)';
  return (
    `You write marketing emails in ${lang}. Answer with ONE JSON object and nothing else: ` +
    '{"subject": string (at most 90 characters), "preheader": string (at most 140 characters), ' +
    '"html": string (the email body as simple, inline-styled, table-based HTML; no <script>, no event handlers)}. ' +
    'Use {{cta_url}} as the call-to-action link and {{unsubscribe_url}} for the unsubscribe link.'
  );
}

export function emailRequestText(args: ToolArgs<'create_email_content'>): string {
  const lines = [`Topic: ${args.topic}`];
  if (args.offer) lines.push(`Offer: ${args.offer}`);
  if (args.discount) lines.push(`Discount: ${args.discount}`);
  if (args.audience) lines.push(`Audience: ${args.audience}`);
  lines.push(`Tone: ${args.tone ?? 'friendly'}`);
  lines.push(`Language: ${args.language ?? 'pt-BR'}`);
  return `Write the email.\n${lines.join('\n')}`;
}

/** The email in an LLM's answer, or a reason why there is none. */
export function parseLlmEmail(answer: string): { ok: true; email: LlmEmail } | { ok: false; reason: string } {
  let reason = 'the answer holds no JSON object';
  let tried = 0;
  for (const candidate of jsonCandidates(answer)) {
    // Bounded: garbage full of braces must not cost quadratic time.
    if (++tried > MAX_CANDIDATES) break;
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    const parsed = LlmEmailSchema.safeParse(value);
    if (parsed.success) return { ok: true, email: parsed.data };
    reason = `the JSON answer is not an email (bad ${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')})`;
  }
  return { ok: false, reason };
}

/** Fenced blocks first, then every balanced {...} span from each `{`, outermost first. */
function* jsonCandidates(answer: string): Generator<string> {
  for (const match of answer.matchAll(/```(?:json)?\s*([\s\S]*?)```/gi)) if (match[1]) yield match[1].trim();
  for (let start = answer.indexOf('{'); start !== -1; start = answer.indexOf('{', start + 1)) {
    const end = matchingBrace(answer, start);
    if (end !== -1) yield answer.slice(start, end + 1);
  }
}

/** Index of the `}` closing the `{` at `start`, skipping braces inside JSON strings; -1 if unbalanced. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}
