// Makes HTML an LLM wrote safe for anyone who renders it (the console's sandboxed iframe, but also any SDK
// consumer that puts it in a page), and derives its plain-text version. An allowlist, applied by sanitize-html
// (a real HTML parser): only the elements, attributes, URL schemes and inline CSS properties an email body needs
// survive; everything else is dropped. No scripts, no event handlers, no javascript:/vbscript:/data: URLs, no CSS
// that can load or run anything (url(), expression(), escapes).
//
// data: images are refused too: most email clients block them, a real email links its images over https, and a
// data: URL is where an SVG payload or a huge inline blob would hide.
import sanitizeHtml from 'sanitize-html';

/** Elements an email body is made of. Anything else is dropped (its text kept, unless it is in DROPPED_WITH_CONTENT). */
export const EMAIL_TAGS = [
  'a', 'abbr', 'b', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'div',
  'dl', 'dt', 'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p',
  'pre', 'q', 's', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead',
  'tr', 'u', 'ul', 'wbr',
] as const;

/** Elements dropped together with everything inside them: what they hold is code, or not meant to be shown. */
export const DROPPED_WITH_CONTENT = [
  'script', 'style', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'noscript',
  'noembed', 'noframes', 'xmp', 'textarea', 'select', 'option', 'title', 'head', 'canvas', 'audio', 'video', 'button',
];

const COMMON_ATTRIBUTES = ['style', 'class', 'title', 'dir', 'lang', 'align', 'role', 'aria-label', 'aria-hidden'];
const TABLE_ATTRIBUTES = ['width', 'height', 'bgcolor', 'valign', 'border', 'cellpadding', 'cellspacing', 'colspan', 'rowspan'];

/** Attributes per element ('*': every element). No id or name: they would let markup shadow a host page's globals. */
export const EMAIL_ATTRIBUTES: Record<string, string[]> = {
  '*': COMMON_ATTRIBUTES,
  a: ['href', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height', 'border'],
  font: ['color', 'face', 'size'],
  table: TABLE_ATTRIBUTES,
  td: TABLE_ATTRIBUTES,
  th: TABLE_ATTRIBUTES,
  tr: ['bgcolor', 'valign', 'height'],
  col: ['width', 'span'],
  colgroup: ['width', 'span'],
  ol: ['start', 'type'],
  ul: ['type'],
  li: ['value'],
  q: ['cite'],
  blockquote: ['cite'],
};

/** URL schemes links may use; images are fetched over http(s) only. Relative URLs (merge fields like {{cta_url}}) pass. */
export const LINK_SCHEMES = ['http', 'https', 'mailto', 'tel'];
export const IMAGE_SCHEMES = ['http', 'https'];

/**
 * A CSS value without anything that loads or runs: no url(), expression(), escapes, comments, at-rules, or
 * characters that end the declaration. Lengths, colours, keywords, font lists and shorthands pass.
 */
const SAFE_CSS_VALUE = /^(?![\s\S]*(?:url|expression|javascript|vbscript|image-set|element)\s*\()(?![\s\S]*[\\@<>{};])[\w\s#%.,'"()+\-/!]*$/i;

/** Inline CSS properties an email layout uses. */
export const EMAIL_CSS_PROPERTIES = [
  'background-color', 'border', 'border-bottom', 'border-collapse', 'border-color', 'border-left', 'border-radius',
  'border-right', 'border-spacing', 'border-style', 'border-top', 'border-width', 'color', 'display', 'font',
  'font-family', 'font-size', 'font-style', 'font-weight', 'height', 'letter-spacing', 'line-height', 'margin',
  'margin-bottom', 'margin-left', 'margin-right', 'margin-top', 'max-width', 'min-width', 'mso-line-height-rule',
  'padding', 'padding-bottom', 'padding-left', 'padding-right', 'padding-top', 'table-layout', 'text-align',
  'text-decoration', 'text-transform', 'vertical-align', 'white-space', 'width', 'word-break',
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...EMAIL_TAGS],
  allowedAttributes: EMAIL_ATTRIBUTES,
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: { img: IMAGE_SCHEMES },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowedStyles: { '*': Object.fromEntries(EMAIL_CSS_PROPERTIES.map((property) => [property, [SAFE_CSS_VALUE]])) },
  nonTextTags: DROPPED_WITH_CONTENT,
  disallowedTagsMode: 'discard',
  allowVulnerableTags: false,
  // A link that opens a new tab must not hand that tab its opener.
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: attribs.target ? { ...attribs, rel: 'noopener noreferrer' } : attribs }),
  },
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true },
};

export function sanitizeEmailHtml(input: string): string {
  return sanitizeHtml(input, OPTIONS);
}

function codePoint(value: number): string {
  return value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : '';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** The plain-text version of an email: block elements become line breaks, links keep their URL. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(head|style|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<a\b[^>]*\bhref\s*=\s*["']([^"']+)["'][^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, href: string, label: string) => {
      const inner = label.replace(/<[^>]*>/g, '').trim();
      return inner && inner !== href ? `${inner} (${href})` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|ul|ol|blockquote)\s*>/gi, '\n\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]{1,6});/gi, (_m, hex: string) => codePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d{1,7});/g, (_m, dec: string) => codePoint(Number(dec)))
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, name: string) => ENTITIES[name] ?? '');
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
