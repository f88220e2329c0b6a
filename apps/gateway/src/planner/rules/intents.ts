// Which tool a prompt asks for. The first action verb ("liste", "crie", "remova", "gere", "update"…) and the
// first thing it acts on ("leads", "máquinas", "sequências", "email", "score"…) decide; a few pairs override
// ("adicione 10 pontos ao lead" updates, "crie um email" writes content, "tire 5 pontos" subtracts).
import type { ToolName } from '@leadlovers/tools';
import { ALL_WORDS, DETAIL_WORDS, NOUNS, VERBS } from './lexicon.js';
import type { Analysis } from './entities/index.js';
import type { Token, Tokenized } from './tokens.js';

type ActionKind = 'list' | 'create' | 'add' | 'update' | 'delete' | 'write' | 'make';
type ObjectKind = 'lead' | 'people' | 'machine' | 'sequence' | 'level' | 'content' | 'score' | 'tag' | 'field';

interface Mention {
  kind: ObjectKind;
  token: Token;
}

export type Intent =
  | { tool: ToolName; contentNoun?: Token }
  /** Understood, but no tool does it (create a machine, remove a tag). */
  | { tool: null; unsupported: boolean };

const ACTION_ORDER: ActionKind[] = ['list', 'create', 'add', 'update', 'delete', 'write', 'make'];
const OBJECT_ORDER: ObjectKind[] = ['lead', 'people', 'machine', 'sequence', 'level', 'content', 'score', 'tag', 'field'];
const QUALIFIER_LINKS = new Set(['de', 'of', 'do', 'da', 'dos', 'das', 'for']);
const LEAD_FIELDS: ReadonlySet<ObjectKind> = new Set(['score', 'tag', 'field']);

/** Each word's first kind in priority order, so classifying a token is one lookup. */
function kindByWord<K extends string>(order: readonly K[], lists: Record<K, ReadonlySet<string>>): ReadonlyMap<string, K> {
  const map = new Map<string, K>();
  for (const kind of order) {
    for (const word of lists[kind]) if (!map.has(word)) map.set(word, kind);
  }
  return map;
}
const ACTION_OF = kindByWord(ACTION_ORDER, VERBS);
const OBJECT_OF = kindByWord(OBJECT_ORDER, NOUNS);

function findAction(tokens: readonly Token[]): { kind: ActionKind; token: Token } | undefined {
  for (const token of tokens) {
    // "give me" / "me dê" asks to see something, not to add it.
    if (token.text === 'give' && tokens[token.index + 1]?.text === 'me') return { kind: 'list', token };
    const kind = ACTION_OF.get(token.text);
    if (kind) return { kind, token };
  }
  return undefined;
}

/** "email" that labels an address ("com email joao@x.com"), a lead field ("o email do lead") or a sequence. */
function isEmailWord(text: Tokenized, token: Token, emailStarts: ReadonlySet<number>): boolean {
  const { tokens, original } = text;
  let i = token.end;
  while (i < original.length && /[\s:=]/.test(original.charAt(i))) i += 1;
  if (emailStarts.has(i)) return true;
  const next = tokens[token.index + 1];
  const afterNext = tokens[token.index + 2];
  if (next && NOUNS.sequence.has(next.text)) return true;
  if (next && QUALIFIER_LINKS.has(next.text) && afterNext && NOUNS.lead.has(afterNext.text)) return true;
  const previous = tokens[token.index - 1];
  const beforePrevious = tokens[token.index - 2];
  if (previous && NOUNS.sequence.has(previous.text)) return true;
  return !!previous && QUALIFIER_LINKS.has(previous.text) && !!beforePrevious && NOUNS.sequence.has(beforePrevious.text);
}

function findMentions(analysis: Analysis): Mention[] {
  const { text } = analysis;
  const emailStarts = new Set(analysis.emails.map((e) => e.start));
  const mentions: Mention[] = [];
  for (const token of text.tokens) {
    const kind = OBJECT_OF.get(token.text);
    if (kind === undefined) continue;
    if (kind === 'content' && NOUNS.content.has(token.text) && isEmailWord(text, token, emailStarts)) continue;
    mentions.push({ kind, token });
  }
  return mentions;
}

function isPlural(token: Token): boolean {
  return token.text.endsWith('s');
}

function readIntent(analysis: Analysis, mentions: readonly Mention[], hasDetails: boolean): Intent {
  const object = mentions[0];
  const hasEmail = analysis.emails.length > 0;
  if (!object) {
    if (hasEmail) return { tool: 'get_leads' };
    if (hasDetails && analysis.looseNumbers.length > 0) return { tool: 'get_machine_details' };
    return { tool: null, unsupported: false };
  }
  switch (object.kind) {
    case 'lead':
    case 'people':
    case 'score':
    case 'tag':
    case 'field':
      return { tool: 'get_leads' };
    case 'sequence':
      return { tool: 'get_email_sequences' };
    case 'level':
      return { tool: 'get_machine_details' };
    case 'content':
      return { tool: 'create_email_content', contentNoun: object.token };
    case 'machine': {
      const all = analysis.text.tokens.some((t) => ALL_WORDS.has(t.text));
      const one = !isPlural(object.token) && !all && analysis.codes.machineCode !== undefined;
      return { tool: hasDetails || one ? 'get_machine_details' : 'get_machines' };
    }
  }
}

export function classify(analysis: Analysis): Intent {
  const { tokens } = analysis.text;
  const action = findAction(tokens);
  const all = findMentions(analysis);
  // The object of the verb is the first thing named after it ("liste os leads da máquina" → leads).
  const after = action ? all.filter((m) => m.token.index > action.token.index) : all;
  const mentions = after.length > 0 ? after : all;
  const object = mentions[0];
  const has = (kind: ObjectKind) => all.some((m) => m.kind === kind);
  const leadish = has('lead') || has('people') || analysis.emails.length > 0;
  const hasDetails = tokens.some((t) => DETAIL_WORDS.has(t.text));
  const unsupported: Intent = { tool: null, unsupported: true };
  const content = (): Intent => ({ tool: 'create_email_content', contentNoun: mentions.find((m) => m.kind === 'content')?.token });

  switch (action?.kind) {
    case 'write':
      return object && ['lead', 'machine', 'sequence', 'level'].includes(object.kind) ? readIntent(analysis, mentions, hasDetails) : content();
    case 'make':
      if (object?.kind === 'content') return content();
      return object?.kind === 'lead' && analysis.emails.length > 0 ? { tool: 'create_lead' } : readIntent(analysis, mentions, hasDetails);
    case 'create':
    case 'add':
      if (object?.kind === 'content') return content();
      // "adicione 10 pontos / a tag vip ao lead x": the object is a field of an existing lead.
      if (object && LEAD_FIELDS.has(object.kind) && (action.kind === 'add' || !has('lead'))) {
        return leadish ? { tool: 'update_lead' } : unsupported;
      }
      if (object && ['machine', 'sequence', 'level'].includes(object.kind) && !leadish) return unsupported;
      return leadish || object ? { tool: 'create_lead' } : { tool: null, unsupported: false };
    case 'update':
      return leadish || (object && LEAD_FIELDS.has(object.kind)) ? { tool: 'update_lead' } : unsupported;
    case 'delete':
      if (object?.kind === 'score') return { tool: 'update_lead' };
      if (object && (object.kind === 'tag' || object.kind === 'field')) return unsupported;
      return leadish ? { tool: 'delete_lead' } : unsupported;
    default:
      return readIntent(analysis, mentions, hasDetails);
  }
}
