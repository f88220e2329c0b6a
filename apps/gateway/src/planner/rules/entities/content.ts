// What a marketing email is about: topic ("email de boas-vindas", "a Black Friday email"), discount ("50%"),
// offer ("para curso de marketing"), audience ("para novos assinantes"), tone and language.
import type { Language } from '../../types.js';
import { ARTICLES, isVerb } from '../lexicon.js';
import { hasLetter, joinedBySpace, sliceRaw } from '../tokens.js';
import type { Token, Tokenized } from '../tokens.js';
import type { Found } from './contact.js';
import { phraseAfter } from './phrases.js';

export interface ContentEntities {
  topic?: string;
  offer?: string;
  discount?: string;
  audience?: string;
  tone?: 'friendly' | 'professional' | 'urgent';
  language: 'pt-BR' | 'en';
}

const set = (...list: string[]): ReadonlySet<string> => new Set(list);

const PERCENT = /(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s?(?:%|por\s?cento\b|percent\b|pct\b)/g;
const MONEY = /(?:r\$|us\$|\$|€)\s?(\d{1,6}(?:[.,]\d{1,2})?)(?=\s*(?:de\s+desconto|off\b|desconto))/g;

// What every discount holds (a percent sign or word, a currency sign): without one, neither pattern runs.
const DISCOUNT_HINT = /[%$€]|cento|percent|pct/;

/** Discounts in the folded text: "50%", "50 por cento" → "50%"; "R$ 100 de desconto" → "R$ 100". */
export function findDiscounts(folded: string, original: string): Found<string>[] {
  const found: Found<string>[] = [];
  if (!DISCOUNT_HINT.test(folded)) return found;
  for (const m of folded.matchAll(PERCENT)) {
    found.push({ start: m.index, end: m.index + m[0].length, value: `${(m[1] ?? '').replace(',', '.')}%` });
  }
  for (const m of folded.matchAll(MONEY)) {
    found.push({ start: m.index, end: m.index + m[0].length, value: original.slice(m.index, m.index + m[0].length).trim() });
  }
  return found.sort((a, b) => a.start - b.start);
}

const PRE_IGNORED = set('new', 'novo', 'nova', 'short', 'curto', 'curta', 'long', 'longo', 'quick', 'simple', 'simples', 'nice', 'good', 'great', 'me', 'us', 'please');
const TOPIC_SKIP = set('de', 'do', 'da', 'of', 'sobre', 'about', 'on', 'regarding', 'tema', 'assunto', 'topic', 'subject', 'o', 'a', 'the', 'com', 'with');
const AUDIENCE_TRIGGERS = set('para', 'pra', 'for', 'to', 'aos');
const AUDIENCE_NOUNS = set(
  'assinantes', 'assinante', 'inscritos', 'inscritas', 'clientes', 'cliente', 'leads', 'lead', 'alunos', 'alunas',
  'usuarios', 'seguidores', 'compradores', 'contatos', 'pessoas', 'membros', 'parceiros', 'visitantes', 'leitores',
  'pacientes', 'publico', 'subscribers', 'subscriber', 'customers', 'customer', 'clients', 'users', 'members',
  'students', 'followers', 'buyers', 'contacts', 'people', 'readers', 'partners', 'visitors', 'prospects', 'audience',
  'patients', 'everyone', 'todos',
);
const LANGUAGE_CUES = set('em', 'in', 'idioma', 'language', 'lingua');
const TOPIC_TRIGGERS = set('sobre', 'about', 'regarding', 'tema', 'assunto', 'topic', 'subject');
const OFFER_TRIGGERS = set('oferecendo', 'offering', 'promovendo', 'promoting', 'divulgando', 'vendendo', 'selling', 'promote', 'sell', 'vender', 'divulgar', 'promover');
const AFTER_DISCOUNT = set('no', 'na', 'nos', 'nas', 'em', 'on', 'in', 'do', 'da');
const TONES: Record<string, ContentEntities['tone']> = {
  urgente: 'urgent', urgencia: 'urgent', urgent: 'urgent', urgency: 'urgent', profissional: 'professional',
  formal: 'professional', professional: 'professional', corporativo: 'professional', corporate: 'professional',
  amigavel: 'friendly', descontraido: 'friendly', casual: 'friendly', informal: 'friendly', friendly: 'friendly',
  leve: 'friendly', warm: 'friendly', caloroso: 'friendly',
};
// Connectors end a topic, offer or audience; field words ("aniversário", "empresa") may be part of one.
export const TOPIC_STOP = set(
  'com', 'with', 'e', 'and', 'para', 'pra', 'for', 'to', 'que', 'that', 'which', 'who', 'mas', 'but', 'ou', 'or',
  'a', 'o', 'as', 'os', 'um', 'uma', 'the', 'an', 'desconto', 'discount', 'off', 'sobre', 'about', 'em', 'in', 'no',
  'na', 'on', 'at', 'by', 'por', 'tom', 'tone', 'idioma', 'language', 'usando', 'using', 'incluindo', 'including',
  'oferecendo', 'offering', 'urgente', 'urgent', 'formal',
  'profissional', 'professional', 'amigavel', 'friendly', 'please', 'favor',
);
const PHRASE = { capitalized: false, maxWords: 8, digits: true, skip: ARTICLES, stopWords: TOPIC_STOP } as const;

/** Words right before the noun: "a welcome email", "a Black Friday email". */
function modifiersBefore(text: Tokenized, noun: Token): string | undefined {
  let first: Token | undefined;
  for (let i = noun.index - 1, seen = 0; i >= 0 && seen < 4; i -= 1, seen += 1) {
    const token = text.tokens[i] as Token;
    const next = text.tokens[i + 1] as Token;
    const word = token.text;
    const ignored = ARTICLES.has(word) || TOPIC_STOP.has(word) || isVerb(word) || PRE_IGNORED.has(word) || TONES[word] !== undefined;
    if (!joinedBySpace(text, token, next) || !hasLetter(token) || ignored) break;
    first = token;
  }
  const last = text.tokens[noun.index - 1];
  return first && last ? sliceRaw(text, first, last) : undefined;
}

function hasAudienceNoun(text: Tokenized, from: Token, to: Token): boolean {
  return text.tokens.slice(from.index, to.index + 1).some((t) => AUDIENCE_NOUNS.has(t.text));
}

export function extractContent(
  text: Tokenized,
  noun: Token | undefined,
  discounts: readonly Found<string>[],
  language: Language,
): ContentEntities {
  const { tokens } = text;
  const content: ContentEntities = { language: language === 'en' ? 'en' : 'pt-BR' };
  if (discounts[0]) content.discount = discounts[0].value;
  const before = noun ? modifiersBefore(text, noun) : undefined;
  const after = noun ? phraseAfter(text, noun.index, { ...PHRASE, skip: TOPIC_SKIP, maxWords: 10 })?.value : undefined;
  if (before || after) content.topic = before && after ? `${before} – ${after}` : (before ?? after);
  for (const token of tokens) {
    const word = token.text;
    if (TONES[word]) content.tone ??= TONES[word];
    // "em inglês" / "in English" picks the email's language; "curso de inglês" does not.
    const asLanguage = LANGUAGE_CUES.has(tokens[token.index - 1]?.text ?? '');
    if (asLanguage && (word === 'ingles' || word === 'english')) content.language = 'en';
    if (asLanguage && (word === 'portugues' || word === 'portuguese')) content.language = 'pt-BR';
    if (TOPIC_TRIGGERS.has(word) && content.topic === undefined) {
      content.topic = phraseAfter(text, token.index, { ...PHRASE, skip: TOPIC_SKIP, maxWords: 10 })?.value;
      continue;
    }
    const afterDiscount = AFTER_DISCOUNT.has(word) && ['desconto', 'off', 'discount'].includes(tokens[token.index - 1]?.text ?? '');
    if (!AUDIENCE_TRIGGERS.has(word) && !OFFER_TRIGGERS.has(word) && !afterDiscount) continue;
    const phrase = phraseAfter(text, token.index, PHRASE);
    if (!phrase) continue;
    if (AUDIENCE_TRIGGERS.has(word) && hasAudienceNoun(text, phrase.first, phrase.last)) content.audience ??= phrase.value;
    else if (content.topic === undefined && !afterDiscount && !OFFER_TRIGGERS.has(word) && !content.discount) content.topic = phrase.value;
    else content.offer ??= phrase.value;
  }
  if (content.topic === undefined && content.offer) content.topic = content.offer;
  return content;
}
