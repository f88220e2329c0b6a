// The offline email writer: occasion detection in Portuguese and English, language, tone, and escaping.
import { describe, expect, it } from 'vitest';
import { detectOccasion } from '../src/email/occasion.js';
import { escapeHtml } from '../src/email/layout.js';
import { writeEmailFromTemplate } from '../src/email/templates.js';

describe('detectOccasion', () => {
  it.each([
    ['email de boas-vindas para novos assinantes', 'welcome'],
    ['Welcome series', 'welcome'],
    ['Black Friday com 50% de desconto', 'blackFriday'],
    ['promoção de inverno', 'sale'],
    ['summer sale', 'sale'],
    ['lançamento do curso', 'launch'],
    ['product launch', 'launch'],
    ['newsletter de março', 'newsletter'],
    ['dicas de produtividade', 'general'],
  ])('%s → %s', (topic, occasion) => {
    expect(detectOccasion(topic)).toBe(occasion);
  });
});

describe('writeEmailFromTemplate', () => {
  it('writes every part, in Portuguese by default', () => {
    const email = writeEmailFromTemplate({ topic: 'lançamento', offer: 'Curso de Vendas', discount: '30%', audience: 'alunos antigos' });
    expect(email).toMatchObject({ model: 'template', occasion: 'launch', subject: 'Chegou: Curso de Vendas' });
    expect(email.preheader.length).toBeGreaterThan(10);
    expect(email.html).toContain(email.preheader);
    expect(email.text).toContain('30% de desconto');
    expect(email.text).toContain('alunos antigos');
    expect(email.html).toMatch(/style="/);
  });

  it('follows language and tone', () => {
    const email = writeEmailFromTemplate({ topic: 'newsletter', language: 'en', tone: 'urgent' });
    expect(email.subject).toBe("What's new: Newsletter — last hours");
    expect(email.text).toContain('Heads up!');
    const formal = writeEmailFromTemplate({ topic: 'newsletter', tone: 'professional' });
    expect(formal.text).toContain('Atenciosamente');
  });

  it('escapes every piece of caller text in the HTML, including the subject in <title>', () => {
    const hostile = '"><img src=x onerror=alert(1)>';
    const email = writeEmailFromTemplate({ topic: hostile, offer: hostile, audience: hostile, discount: '<b>' });
    expect(email.html).not.toMatch(/<img|<b>/);
    expect(email.html).toContain(escapeHtml(hostile));
  });

  it('keeps long subjects short', () => {
    const email = writeEmailFromTemplate({ topic: 'dicas '.repeat(50).trim() });
    expect(email.subject.length).toBeLessThanOrEqual(90);
    expect(email.subject.endsWith('…')).toBe(true);
  });
});
