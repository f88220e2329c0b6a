// Lays email copy out as inline-styled, table-based HTML (what email clients render reliably) and as plain
// text. Every piece of copy is escaped here, once, because copy carries the caller's words.
import type { EmailCopy } from './copy.js';
import type { Occasion } from './occasion.js';

/** Links the sender fills in before sending (merge fields of the email tool). */
export const CTA_URL_PLACEHOLDER = '{{cta_url}}';
export const UNSUBSCRIBE_URL_PLACEHOLDER = '{{unsubscribe_url}}';

const ACCENT: Record<Occasion, { header: string; headerText: string; button: string; buttonText: string }> = {
  welcome: { header: '#2563eb', headerText: '#ffffff', button: '#2563eb', buttonText: '#ffffff' },
  blackFriday: { header: '#111827', headerText: '#facc15', button: '#facc15', buttonText: '#111827' },
  sale: { header: '#dc2626', headerText: '#ffffff', button: '#dc2626', buttonText: '#ffffff' },
  launch: { header: '#7c3aed', headerText: '#ffffff', button: '#7c3aed', buttonText: '#ffffff' },
  newsletter: { header: '#0f766e', headerText: '#ffffff', button: '#0f766e', buttonText: '#ffffff' },
  general: { header: '#2563eb', headerText: '#ffffff', button: '#2563eb', buttonText: '#ffffff' },
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Escapes, then keeps the copy's line breaks. */
const html = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');

export function renderHtml(copy: EmailCopy, occasion: Occasion, lang: string): string {
  const color = ACCENT[occasion];
  const paragraph = (text: string) => `<p style="margin:0 0 16px 0;">${html(text)}</p>`;
  return `<!DOCTYPE html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(copy.subject)}</title></head>
<body style="margin:0;padding:0;background-color:#f4f5f7;">
<span style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;color:transparent;">${html(copy.preheader)}</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;color:#1f2937;">
<tr><td style="background-color:${color.header};color:${color.headerText};padding:28px 32px;border-radius:8px 8px 0 0;font-size:26px;font-weight:bold;text-align:center;">${html(copy.headline)}</td></tr>
<tr><td style="padding:28px 32px 8px 32px;font-size:16px;line-height:1.6;">
${paragraph(copy.greeting)}
${copy.paragraphs.map(paragraph).join('\n')}
<p style="margin:28px 0;text-align:center;"><a href="${CTA_URL_PLACEHOLDER}" style="display:inline-block;background-color:${color.button};color:${color.buttonText};padding:14px 28px;border-radius:6px;font-weight:bold;text-decoration:none;">${html(copy.cta)}</a></p>
${paragraph(copy.closing)}
</td></tr>
<tr><td style="padding:16px 32px 24px 32px;font-size:12px;line-height:1.5;color:#6b7280;text-align:center;">${html(copy.footer)}<br><a href="${UNSUBSCRIBE_URL_PLACEHOLDER}" style="color:#6b7280;">${html(copy.unsubscribe)}</a></td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}

export function renderText(copy: EmailCopy): string {
  return [
    copy.headline,
    '',
    copy.greeting,
    '',
    ...copy.paragraphs.flatMap((p) => [p, '']),
    `${copy.cta}: ${CTA_URL_PLACEHOLDER}`,
    '',
    copy.closing,
    '',
    '--',
    copy.footer,
    `${copy.unsubscribe}: ${UNSUBSCRIBE_URL_PLACEHOLDER}`,
  ].join('\n');
}
