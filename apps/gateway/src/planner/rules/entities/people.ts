// Who the lead is: name, city, state, company, tags and gender, each read after the word that introduces it
// ("chamado João Silva", "cidade Curitiba", "empresa Acme", "com a tag vip", "sexo feminino").
import { STOP_WORDS } from '../lexicon.js';
import type { Token, Tokenized } from '../tokens.js';
import { phraseAfter } from './phrases.js';

/** How a name was introduced: its role differs by tool (a value to set, or the lead to look for). */
export type NameVia = 'called' | 'label' | 'to' | 'lead';

export interface NameEntity {
  value: string;
  via: NameVia;
  /** Index of the first token of the name (to tell "nome … para X" apart). */
  at: number;
}

export interface PeopleEntities {
  names: NameEntity[];
  city?: string;
  state?: string;
  company?: string;
  tags?: string[];
  gender?: 'M' | 'F' | 'O';
}

const set = (...list: string[]): ReadonlySet<string> => new Set(list);

const NAME_TRIGGERS: Record<string, NameVia> = {
  chamado: 'called', chamada: 'called', chamados: 'called', chamadas: 'called', named: 'called', called: 'called',
  nome: 'label', name: 'label', nomeado: 'called', nomeada: 'called',
  para: 'to', pra: 'to', for: 'to', to: 'to', por: 'to', by: 'to',
  lead: 'lead', leads: 'lead', contato: 'lead', contact: 'lead', cliente: 'lead', customer: 'lead',
};
const NAME_SKIP = set('de', 'o', 'a', 'is', 'e', 'como', 'as', 'the');
const CITY_TRIGGERS = set('cidade', 'city');
/** "mora em", "lives in": the first word of each pair, to the word that must follow it. */
const CITY_PAIRS: ReadonlyMap<string, string> = new Map([['mora', 'em'], ['lives', 'in'], ['based', 'in'], ['reside', 'em']]);
const STATE_TRIGGERS = set('estado', 'state', 'uf');
const COMPANY_TRIGGERS = set('empresa', 'company', 'companhia', 'organizacao', 'organization');
const TAG_TRIGGERS = set('tag', 'tags', 'etiqueta', 'etiquetas', 'tagged', 'marcador', 'marcadores', 'label', 'labels');
const VALUE_SKIP = set('de', 'da', 'do', 'of', 'the', 'o', 'a', 'is', 'e', 'como');
const GENDERS: Record<string, 'M' | 'F' | 'O'> = {
  m: 'M', masculino: 'M', homem: 'M', male: 'M', man: 'M', f: 'F', feminino: 'F', mulher: 'F', female: 'F',
  woman: 'F', o: 'O', outro: 'O', outros: 'O', other: 'O', 'nao-binario': 'O', 'non-binary': 'O', nonbinary: 'O',
};

function findNames(text: Tokenized): NameEntity[] {
  const names: NameEntity[] = [];
  for (const token of text.tokens) {
    const via = NAME_TRIGGERS[token.text];
    if (via === undefined) continue;
    // After "chamado"/"nome" a lowercase name is still a name; after "para"/"lead" only a capitalised one is.
    const capitalized = via === 'to' || via === 'lead';
    const phrase = phraseAfter(text, token.index, { capitalized, maxWords: 6, skip: capitalized ? undefined : NAME_SKIP });
    if (phrase && phrase.value.length <= 120) names.push({ value: phrase.value, via, at: phrase.first.index });
  }
  return names;
}

function valueAfter(text: Tokenized, triggers: ReadonlySet<string>, maxWords: number): string | undefined {
  for (const token of text.tokens) {
    if (!triggers.has(token.text)) continue;
    const phrase = phraseAfter(text, token.index, { capitalized: false, maxWords, skip: VALUE_SKIP, digits: true });
    if (phrase) return phrase.value;
  }
  return undefined;
}

function cityAfterPair(text: Tokenized): string | undefined {
  const { tokens } = text;
  for (const token of tokens) {
    const next = tokens[token.index + 1];
    if (!next || CITY_PAIRS.get(token.text) !== next.text) continue;
    const phrase = phraseAfter(text, next.index, { capitalized: true, maxWords: 4 });
    if (phrase) return phrase.value;
  }
  return undefined;
}

const TAG_ARTICLES = set('a', 'as', 'o', 'os', 'the');

function tagWord(token: Token | undefined): string | undefined {
  if (!token || STOP_WORDS.has(token.text) || token.raw.length > 50 || !/[\p{L}\p{N}]/u.test(token.text)) return undefined;
  return token.raw;
}

/** "com a tag vip", "tags vip, premium e cliente": single words joined by commas, "e" or "and". */
function findTags(text: Tokenized): string[] | undefined {
  const { tokens } = text;
  for (const token of tokens) {
    if (!TAG_TRIGGERS.has(token.text)) continue;
    let i = token.index + 1;
    while (TAG_ARTICLES.has(tokens[i]?.text ?? '')) i += 1;
    const tags: string[] = [];
    const opener = tokens[i];
    // The first tag must follow its keyword directly ("tag vip", "tag: vip", 'tag "vip"').
    if (!opener || !/^[\s:"'“”]*$/.test(text.original.slice((tokens[i - 1] as Token).end, opener.start))) continue;
    while (tags.length < 20) {
      const current = tokens[i];
      const tag = tagWord(current);
      if (!current || tag === undefined) break;
      tags.push(tag);
      const sep = tokens[i + 1];
      const gap = sep ? text.original.slice(current.end, sep.start) : '';
      if (sep && /^["'”]?\s*,\s*["'“]?$/.test(gap)) i += 1;
      else if (sep && (sep.text === 'e' || sep.text === 'and') && /^["'”]?\s*$/.test(gap)) i += 2;
      else break;
    }
    if (tags.length > 0) return [...new Set(tags)];
  }
  return undefined;
}

function findGender(tokens: readonly Token[]): 'M' | 'F' | 'O' | undefined {
  for (const token of tokens) {
    if (token.text !== 'sexo' && token.text !== 'genero' && token.text !== 'gender') continue;
    for (const next of tokens.slice(token.index + 1, token.index + 3)) {
      const gender = GENDERS[next.text];
      if (gender) return gender;
    }
  }
  return undefined;
}

export function extractPeople(text: Tokenized): PeopleEntities {
  const people: PeopleEntities = { names: findNames(text) };
  const city = valueAfter(text, CITY_TRIGGERS, 4) ?? cityAfterPair(text);
  const state = valueAfter(text, STATE_TRIGGERS, 3);
  const company = valueAfter(text, COMPANY_TRIGGERS, 5);
  const tags = findTags(text);
  const gender = findGender(text.tokens);
  if (city && city.length <= 80) people.city = city;
  if (state && state.length <= 40) people.state = state;
  if (company && company.length <= 120) people.company = company;
  if (tags) people.tags = tags;
  if (gender) people.gender = gender;
  return people;
}

const TO_WORDS = set('para', 'pra', 'to', 'como', 'as');
const TO_SKIP = set('o', 'a', 'the');

/** The new value in "mude a cidade do lead x para Curitiba" / "change the company of lead x to acme". */
export function valueAfterTo(text: Tokenized): string | undefined {
  for (const token of text.tokens) {
    if (!TO_WORDS.has(token.text)) continue;
    const phrase = phraseAfter(text, token.index, { capitalized: false, maxWords: 5, skip: TO_SKIP });
    if (phrase) return phrase.value;
  }
  return undefined;
}
