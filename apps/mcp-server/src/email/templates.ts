// create_email_content offline: picks the occasion from the topic, writes the copy in the caller's language
// (pt-BR by default) and tone, and lays it out as HTML and plain text. Says model "template" in its output.
import type { ToolArgs, ToolOutput } from '../tool-types.js';
import { clampSubject, DEFAULT_TONE, type CopyBook } from './copy.js';
import { COPY_EN } from './copy-en.js';
import { COPY_PT } from './copy-pt.js';
import { renderHtml, renderText } from './layout.js';
import { detectOccasion, type Occasion } from './occasion.js';

export const TEMPLATE_MODEL = 'template';

const BOOKS: Record<'pt-BR' | 'en', CopyBook> = { 'pt-BR': COPY_PT, en: COPY_EN };

export interface TemplateEmail extends ToolOutput<'create_email_content'> {
  occasion: Occasion;
}

export function writeEmailFromTemplate(args: ToolArgs<'create_email_content'>): TemplateEmail {
  const language = args.language ?? 'pt-BR';
  const occasion = detectOccasion(args.topic, args.offer);
  const copy = BOOKS[language][occasion]({
    topic: args.topic,
    offer: args.offer || undefined,
    discount: args.discount || undefined,
    audience: args.audience || undefined,
    tone: args.tone ?? DEFAULT_TONE[occasion],
  });
  const subject = clampSubject(copy.subject);
  const final = { ...copy, subject };
  return {
    subject,
    preheader: copy.preheader,
    html: renderHtml(final, occasion, language),
    text: renderText(final),
    model: TEMPLATE_MODEL,
    occasion,
  };
}
