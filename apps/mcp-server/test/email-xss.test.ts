// The email sanitizer against a corpus of known XSS vectors (test/fixtures/xss-vectors.ts), judged by a real
// browser: Chromium parses each sanitized output as a page would (so a parser differential, mXSS, shows up) and
// every element, attribute, URL and inline style left must be on the email allowlist; then all outputs are
// rendered in one page with alert/confirm/prompt and dialogs watched, and nothing may run. Needs Chromium
// (CHROMIUM_PATH, default /usr/bin/chromium); fails without it, like the console's browser tests.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_ATTRIBUTES, EMAIL_TAGS, IMAGE_SCHEMES, LINK_SCHEMES, sanitizeEmailHtml } from '../src/email/sanitize.js';
import { XSS_VECTORS } from './fixtures/xss-vectors.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Allowlist {
  tags: string[];
  attributes: Record<string, string[]>;
  linkSchemes: string[];
  imageSchemes: string[];
}

// Page code is plain JavaScript in strings: it runs in Chromium, outside vitest's transform and this file's types.
/** `violations(html, allow)`: every way the parsed output strays from the allowlist (empty: clean). */
const VIOLATIONS_JS = `(html, allow) => {
  const found = [];
  const doc = new DOMParser().parseFromString('<!doctype html><html><head></head><body>' + html + '</body></html>', 'text/html');
  if (doc.head.children.length > 0) found.push('head got ' + doc.head.innerHTML);
  for (const attr of doc.body.attributes) found.push('body[' + attr.name + ']');
  // Comments (and CDATA, a comment in HTML) hiding markup: conditional comments run it in old clients.
  const comments = doc.createTreeWalker(doc.body, NodeFilter.SHOW_COMMENT);
  while (comments.nextNode()) if (/[<>]/.test(comments.currentNode.textContent || '')) found.push('markup in a comment');
  for (const el of doc.body.querySelectorAll('*')) {
    const tag = el.localName;
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') found.push('foreign element ' + tag);
    if (!allow.tags.includes(tag)) found.push('element ' + tag);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (!(allow.attributes[tag] || []).includes(name) && !(allow.attributes['*'] || []).includes(name)) found.push('attribute ' + tag + '[' + name + ']');
      if (name.startsWith('on')) found.push('handler ' + tag + '[' + name + ']');
      if (name === 'href' || name === 'src' || name === 'cite') {
        const value = attr.value.trim();
        if (value.startsWith('//')) found.push('protocol-relative ' + tag + '[' + name + ']');
        const protocol = new URL(value, 'https://base.invalid/').protocol.replace(/:$/, '');
        const schemes = tag === 'img' ? allow.imageSchemes : allow.linkSchemes;
        if (!schemes.includes(protocol)) found.push('scheme ' + protocol + ': in ' + tag + '[' + name + ']');
      }
      if (name === 'style' && /url\\s*\\(|expression|javascript|vbscript|behavior|@import|\\/\\*|[\\\\<>{}]/i.test(attr.value)) found.push('style ' + attr.value);
    }
    if (tag === 'a' && el.getAttribute('target') && el.getAttribute('rel') !== 'noopener noreferrer') found.push('target without rel=noopener');
  }
  return found;
}`;

/** Checks each HTML in the page. */
const judge = (page: Page, html: readonly string[], allow: Allowlist): Promise<string[][]> =>
  page.evaluate(`${JSON.stringify(html)}.map((h) => (${VIOLATIONS_JS})(h, ${JSON.stringify(allow)}))`);

/** Replaces alert, confirm and prompt with recorders, before the page's own markup runs. */
const WATCH_DIALOGS = `window.__fired = [];
  for (const name of ['alert', 'confirm', 'prompt']) window[name] = (...args) => window.__fired.push(name + '(' + args.join(',') + ')');`;

/** Hovers, focuses and clicks everything left, as a reader would, so any handler that survived gets its chance. */
const PROVOKE = `for (const el of document.querySelectorAll('*')) {
  if (el instanceof HTMLAnchorElement) el.removeAttribute('href'); // no navigation away from the page
  for (const type of ['mouseover', 'focus', 'click', 'toggle', 'animationstart']) el.dispatchEvent(new Event(type));
}`;

describe('sanitizeEmailHtml against known XSS vectors, in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const allow: Allowlist = { tags: [...EMAIL_TAGS], attributes: EMAIL_ATTRIBUTES, linkSchemes: LINK_SCHEMES, imageSchemes: IMAGE_SCHEMES };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('has at least 50 vectors, each one dangerous before sanitizing', async () => {
    expect(XSS_VECTORS.length).toBeGreaterThanOrEqual(50);
    // The corpus is real: unsanitized, every vector breaks the allowlist (so the check below can fail).
    const raw = await judge(page, XSS_VECTORS, allow);
    expect(XSS_VECTORS.filter((_, i) => raw[i]?.length === 0)).toEqual([]);
  });

  it('leaves nothing off the allowlist in any sanitized vector, as Chromium parses it', async () => {
    const outputs = XSS_VECTORS.map((vector) => sanitizeEmailHtml(vector));
    const found = await judge(page, outputs, allow);
    const failures = found.flatMap((list, i) => (list.length ? [{ vector: XSS_VECTORS[i], output: outputs[i], list }] : []));
    expect(failures).toEqual([]);
  });

  it('runs nothing when every sanitized vector is rendered in one page', async () => {
    const page = await browser.newPage();
    const fired: string[] = [];
    page.on('dialog', (dialog) => {
      fired.push(`dialog ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.addInitScript(WATCH_DIALOGS);
    const body = XSS_VECTORS.map((vector) => `<section>${sanitizeEmailHtml(vector)}</section>`).join('\n');
    // Served from a URL of its own (init scripts run on navigation); every other request is refused, not fetched.
    await page.route('**/*', (route) =>
      route.request().url() === 'https://mail.test/' ? route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><body>${body}</body></html>` }) : route.abort(),
    );
    await page.goto('https://mail.test/', { waitUntil: 'load' });
    await page.evaluate(PROVOKE);
    fired.push(...(await page.evaluate<string[]>('window.__fired')));
    expect(fired).toEqual([]);
    expect(await page.evaluate<number>('document.scripts.length')).toBe(0);
    await page.close();
  });

  it('keeps what an email needs: tables, links, images, inline styles, merge fields', () => {
    const email =
      '<table role="presentation" width="100%" cellpadding="0" style="border-collapse:collapse"><tr><td align="center" bgcolor="#2563eb" style="padding:24px;color:#ffffff;font-family:Arial, sans-serif">' +
      '<h1 style="margin:0;font-size:24px">Black Friday</h1><p>50% <strong>off</strong><br />só hoje</p>' +
      '<a href="{{cta_url}}" style="background-color:#facc15;padding:12px 24px">Comprar</a> <a href="mailto:a@b.test">mail</a>' +
      '<img src="https://cdn.test/logo.png" alt="Logo" width="120" /></td></tr></table>';
    expect(sanitizeEmailHtml(email)).toBe(email);
  });
});
