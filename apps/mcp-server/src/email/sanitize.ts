// Makes HTML an LLM wrote safe to preview, and derives its plain-text version. Not a general HTML sanitizer: it
// removes what runs code in a preview (script and other active elements, on* handlers, javascript:/vbscript:/data:
// URLs, a malformed tag's `<`) and leaves the email's markup and inline styles alone.

/** Elements dropped with everything inside them. */
const DROPPED_WITH_CONTENT = ['script', 'iframe', 'object', 'embed', 'frameset', 'frame', 'applet', 'noscript', 'template', 'svg', 'math'];
/** Elements dropped, keeping their content (none of these belong in an email body). */
const DROPPED_TAGS = ['form', 'base', 'meta', 'link'];
/** Attributes that hold a URL. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'srcset', 'data']);
const ACTIVE_URL = /^(?:javascript|vbscript|data):/i;

export function sanitizeEmailHtml(input: string): string {
  let html = input.replace(/<!--[\s\S]*?-->/g, '');
  for (const tag of DROPPED_WITH_CONTENT) {
    html = html.replace(new RegExp(`<${tag}\\b[\\s\\S]*?(?:<\\/${tag}\\s*>|$)`, 'gi'), '');
    // A stray closing tag, or an opening one the pattern above could not pair.
    html = html.replace(new RegExp(`<\\/?${tag}\\b[^>]*>`, 'gi'), '');
  }
  for (const tag of DROPPED_TAGS) html = html.replace(new RegExp(`<\\/?${tag}\\b[^>]*>`, 'gi'), '');
  // A well-formed start tag has its attributes cleaned; any other `<` before a letter is escaped, so a malformed
  // tag cannot smuggle a handler past the pattern.
  const startTag = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s>"'=/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*(\/?)>|<(?=[a-zA-Z])/g;
  return html.replace(startTag, (_m, name: string | undefined, attrs: string | undefined, slash: string | undefined) =>
    name === undefined ? '&lt;' : `<${name}${cleanAttributes(attrs ?? '')}${slash ? ' /' : ''}>`,
  );
}

function cleanAttributes(attrs: string): string {
  const kept: string[] = [];
  const pattern = /([^\s>"'=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g;
  for (const match of attrs.matchAll(pattern)) {
    const name = (match[1] ?? '').toLowerCase();
    const raw = match[2];
    if (name.startsWith('on')) continue;
    const value = raw === undefined ? undefined : raw.replace(/^["']|["']$/g, '');
    if (value !== undefined && URL_ATTRIBUTES.has(name) && ACTIVE_URL.test(decodeForCheck(value))) continue;
    if (name === 'style' && value !== undefined && /expression\s*\(|javascript:|url\s*\(\s*['"]?\s*javascript:/i.test(decodeForCheck(value))) continue;
    kept.push(raw === undefined ? ` ${match[1]}` : ` ${match[1]}=${raw}`);
  }
  return kept.join('');
}

/** What a browser would see in a URL: entities decoded, whitespace and control characters removed. */
function decodeForCheck(value: string): string {
  return value
    .replace(/&#x([0-9a-f]{1,6});?/gi, (_m, hex: string) => codePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d{1,7});?/g, (_m, dec: string) => codePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;|&newline;/gi, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\s\u0000-\u001f]+/g, '');
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
