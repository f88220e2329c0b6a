// The sampling email writer without a process: finding the JSON email in an LLM's answer, making its HTML safe to
// preview, deriving the text, and falling back to the templates (with the reason) when sampling fails.
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseLlmEmail } from '../src/email/llm-answer.js';
import { writeEmailBySampling } from '../src/email/sampled.js';
import { htmlToText, sanitizeEmailHtml } from '../src/email/sanitize.js';

const log = pino({ level: 'silent' });
const EMAIL = { subject: 'Black Friday: 50% off', preheader: 'Só hoje', html: '<p>Olá!</p><p><a href="{{cta_url}}">Comprar</a></p>' };

describe('parseLlmEmail', () => {
  it('reads a bare JSON object', () => {
    expect(parseLlmEmail(JSON.stringify(EMAIL))).toEqual({ ok: true, email: EMAIL });
  });

  it('reads a fenced block with chatter around it', () => {
    const answer = `Claro! Aqui está:\n\`\`\`json\n${JSON.stringify(EMAIL, null, 2)}\n\`\`\`\nEspero que goste.`;
    expect(parseLlmEmail(answer)).toEqual({ ok: true, email: EMAIL });
  });

  it('finds the object in prose, braces inside strings included', () => {
    const email = { ...EMAIL, html: '<p>{não} é } chave</p>' };
    expect(parseLlmEmail(`Here you go: ${JSON.stringify(email)} — enjoy {really}`)).toEqual({ ok: true, email });
  });

  it('trims the fields and defaults a missing preheader', () => {
    expect(parseLlmEmail('{"subject": "  Oi  ", "html": "<p>x</p>"}')).toEqual({ ok: true, email: { subject: 'Oi', preheader: '', html: '<p>x</p>' } });
  });

  it('refuses garbage, JSON that is not an email, and an empty subject', () => {
    expect(parseLlmEmail('I cannot help with that.')).toEqual({ ok: false, reason: 'the answer holds no JSON object' });
    expect(parseLlmEmail('{"subject": "x"')).toMatchObject({ ok: false });
    expect(parseLlmEmail('{"title": "x", "body": "y"}')).toMatchObject({ ok: false, reason: expect.stringContaining('subject') });
    expect(parseLlmEmail('{"subject": "  ", "html": "<p>x</p>"}')).toMatchObject({ ok: false });
  });
});

describe('sanitizeEmailHtml', () => {
  it('keeps ordinary email markup and inline styles', () => {
    const html = '<table role="presentation" style="width:100%"><tr><td align="center"><a href="https://x.test/?a=1&amp;b=2">Go</a><img src="https://x.test/i.png" alt="" /></td></tr></table>';
    expect(sanitizeEmailHtml(html)).toBe(html);
  });

  it('drops script, iframe and svg with their content', () => {
    const out = sanitizeEmailHtml('<p>a</p><script>alert(1)</script><SCRIPT src="x"></SCRIPT><iframe src="https://e.test"></iframe><svg><a href="#">x</a></svg><p>b</p>');
    expect(out).toBe('<p>a</p><p>b</p>');
  });

  it('drops an unterminated script to the end', () => {
    expect(sanitizeEmailHtml('<p>a</p><script>alert(1)')).toBe('<p>a</p>');
  });

  it('removes event handler attributes in every spelling', () => {
    const out = sanitizeEmailHtml(`<img src="a.png" onerror="alert(1)"><div ONCLICK='x()' class="c"><p onmouseover=steal()>t</p></div>`);
    expect(out).toBe('<img src="a.png" /><div class="c"><p>t</p></div>');
    expect(out).not.toMatch(/on\w+=/i);
  });

  it('removes javascript:, vbscript: and data: URLs, also when obfuscated', () => {
    const out = sanitizeEmailHtml(
      '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a><a href="java&#x09;script:alert(1)">c</a>' +
        '<a href="&#106;avascript:alert(1)">d</a><a href="vbscript:x">e</a><img src="data:text/html;base64,xx"><a href="https://ok.test">f</a>',
    );
    expect(out).toBe('<a>a</a><a>b</a><a>c</a><a>d</a><a>e</a><img /><a href="https://ok.test">f</a>');
    expect(sanitizeEmailHtml('<a href=javascript:alert(1)>u</a><a href="javascript&colon;alert(1)">v</a><img src=x onerror=alert(1)>')).toBe(
      '<a>u</a><a>v</a><img src="x" />',
    );
    expect(sanitizeEmailHtml('<td style="background:url(javascript:alert(1))">w</td><td style="color:red">z</td>')).toBe('<td>w</td><td style="color:red">z</td>');
    // An out-of-range character reference must not throw (the parser makes it U+FFFD).
    expect(sanitizeEmailHtml('<a href="&#99999999;">x</a>')).toBe('<a href="\uFFFD">x</a>');
  });

  it('parses a malformed tag as a browser would and cleans what it finds', () => {
    expect(sanitizeEmailHtml('<img src="x"onerror="alert(1)">')).toBe('<img src="x" />');
    expect(sanitizeEmailHtml('<p>1 < 2 and a <b>bold</b> claim</p>')).toBe('<p>1 &lt; 2 and a <b>bold</b> claim</p>');
  });

  it('is an allowlist: unknown elements lose their tag, forms and their controls go, ids and names are dropped', () => {
    expect(sanitizeEmailHtml('<custom-el data-x="1">kept text</custom-el><form action="/x"><input name="q"><button>go</button></form>')).toBe('kept text');
    expect(sanitizeEmailHtml('<p id="location" name="x" class="k">t</p>')).toBe('<p class="k">t</p>');
    expect(sanitizeEmailHtml('<p style="color:#333;position:fixed;top:0">t</p>')).toBe('<p style="color:#333">t</p>');
    expect(sanitizeEmailHtml('<a href="https://x.test" target="_blank">x</a>')).toBe('<a href="https://x.test" target="_blank" rel="noopener noreferrer">x</a>');
  });

  it('removes comments (conditional comments can hide markup)', () => {
    expect(sanitizeEmailHtml('<p>a</p><!--[if mso]><script>x</script><![endif]-->')).toBe('<p>a</p>');
  });
});

describe('htmlToText', () => {
  it('turns blocks into lines, keeps link targets and decodes entities', () => {
    const text = htmlToText('<html><head><title>T</title><style>p{}</style></head><body><h1>Oi &amp; tchau</h1><p>Linha<br>dois</p><ul><li>um</li><li>dois</li></ul><p><a href="{{cta_url}}">Comprar</a></p></body></html>');
    expect(text).toBe('Oi & tchau\n\nLinha\ndois\n\n- um\n\n- dois\n\nComprar ({{cta_url}})');
    expect(htmlToText('<p>Promo&#231;&#xE3;o &#1114112;</p>')).toBe('Promoção');
  });
});

describe('writeEmailBySampling', () => {
  const args = { topic: 'Black Friday', discount: '50%' };
  const answer = (text: string, model = 'claude-test'): CreateMessageResult => ({ role: 'assistant', content: { type: 'text', text }, model });

  it('asks for a JSON email in the caller language and uses the answer', async () => {
    const requests: CreateMessageRequest['params'][] = [];
    const email = await writeEmailBySampling({ ...args, language: 'en' }, async (params) => {
      requests.push(params);
      return answer(JSON.stringify({ ...EMAIL, html: `${EMAIL.html}<script>x</script>` }));
    }, log);
    expect(email).toEqual({
      subject: EMAIL.subject,
      preheader: EMAIL.preheader,
      html: EMAIL.html,
      text: 'Olá!\n\nComprar ({{cta_url}})',
      model: 'claude-test',
    });
    expect(requests[0]?.systemPrompt).toMatch(/English/);
    expect(requests[0]?.messages[0]?.content).toMatchObject({ type: 'text', text: expect.stringContaining('Discount: 50%') });
  });

  it('defaults to Portuguese', async () => {
    let system = '';
    await writeEmailBySampling(args, async (params) => {
      system = params.systemPrompt ?? '';
      return answer(JSON.stringify(EMAIL));
    }, log);
    expect(system).toMatch(/pt-BR/);
  });

  it('falls back to the templates when the client fails, with the reason', async () => {
    const email = await writeEmailBySampling(args, () => Promise.reject(new Error('Request timed out')), log);
    expect(email).toMatchObject({ model: 'template', occasion: 'blackFriday', fallbackReason: expect.stringContaining('Request timed out') });
  });

  it('falls back to the templates when the answer is not an email', async () => {
    const email = await writeEmailBySampling(args, async () => answer('Desculpe, não posso.'), log);
    expect(email).toMatchObject({ model: 'template', fallbackReason: expect.stringContaining('no JSON object') });
    expect(email.subject).toMatch(/Black Friday/);
  });

  it('ignores non-text content', async () => {
    const email = await writeEmailBySampling(args, async () => ({ role: 'assistant', content: { type: 'image', data: 'AA==', mimeType: 'image/png' }, model: 'm' }), log);
    expect(email.model).toBe('template');
  });
});
