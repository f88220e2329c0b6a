// Tool arguments drafted from what a prompt says: one function per tool, each returning the arguments it could
// fill and the required ones it could not. Nothing here validates; build.ts checks every draft against the
// tool's real zod schema.
import type { ToolName } from '@leadlovers/tools';
import type { Analysis } from './entities/index.js';
import { TOPIC_STOP, extractContent } from './entities/content.js';
import { valueAfterTo } from './entities/people.js';
import type { NameEntity } from './entities/people.js';
import { NOUNS, PARTICLES, isVerb } from './lexicon.js';
import type { Token } from './tokens.js';

export interface Draft {
  arguments: Record<string, unknown>;
  missing: string[];
  /** The lead the user named without an email, to quote back when asking for the email. */
  leadName?: string;
  /** Fields in `missing` of which any one would do (an update that names nothing to change). */
  either?: string[];
}

const UPDATABLE = ['name', 'phone', 'company', 'city', 'state', 'birthday', 'gender', 'tags', 'score'];
const FIELD_WORDS: Record<string, string> = {
  nome: 'name', name: 'name', renomeie: 'name', renomear: 'name', rename: 'name', cidade: 'city', city: 'city',
  empresa: 'company', companhia: 'company', company: 'company', estado: 'state', state: 'state', uf: 'state',
};
const QUOTED = /["“]([^"“”]{1,120})["”]/;

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

function firstName(names: readonly NameEntity[], vias: readonly NameEntity['via'][]): string | undefined {
  return names.find((n) => vias.includes(n.via))?.value;
}

function machineCode(a: Analysis): number | undefined {
  return a.codes.machineCode ?? (a.looseNumbers.length === 1 ? a.looseNumbers[0] : undefined);
}

function profile(a: Analysis): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  put(args, 'phone', a.phones[0]?.value);
  put(args, 'company', a.people.company);
  put(args, 'city', a.people.city);
  put(args, 'state', a.people.state);
  put(args, 'birthday', a.dates.birthday);
  put(args, 'gender', a.people.gender);
  put(args, 'tags', a.people.tags);
  return args;
}

function getLeads(a: Analysis): Draft {
  const args: Record<string, unknown> = {};
  const quoted = QUOTED.exec(a.text.original)?.[1]?.trim();
  put(args, 'email', a.emails[0]?.value);
  if (args.email === undefined) put(args, 'search', quoted || firstName(a.people.names, ['called', 'label', 'lead', 'to']));
  put(args, 'machineCode', a.codes.machineCode);
  put(args, 'sequenceCode', a.codes.sequenceCode);
  put(args, 'startDate', a.dates.startDate);
  put(args, 'endDate', a.dates.endDate);
  put(args, 'page', a.codes.page);
  put(args, 'pageSize', a.codes.pageSize);
  return { arguments: args, missing: [] };
}

function createLead(a: Analysis): Draft {
  const args: Record<string, unknown> = { email: a.emails[0]?.value, name: firstName(a.people.names, ['called', 'label', 'lead', 'to']) };
  Object.assign(args, profile(a));
  put(args, 'score', a.score?.value);
  put(args, 'machineCode', a.codes.machineCode);
  put(args, 'sequenceCode', a.codes.sequenceCode);
  put(args, 'levelCode', a.codes.levelCode);
  for (const key of Object.keys(args)) if (args[key] === undefined) delete args[key];
  return { arguments: args, missing: args.email === undefined ? ['email'] : [] };
}

/** "mude a cidade do lead x para Curitiba": the first field word names what the value after "para" sets. */
function fieldFromTo(a: Analysis, args: Record<string, unknown>): void {
  const word = a.text.tokens.find((t: Token) => FIELD_WORDS[t.text] !== undefined);
  const field = word ? FIELD_WORDS[word.text] : undefined;
  if (field === undefined || args[field] !== undefined) return;
  const value = field === 'name' ? (firstName(a.people.names, ['to', 'label']) ?? valueAfterTo(a.text)) : valueAfterTo(a.text);
  put(args, field, value);
}

function updateLead(a: Analysis): Draft {
  const args: Record<string, unknown> = {};
  put(args, 'email', a.emails[0]?.value);
  Object.assign(args, profile(a));
  fieldFromTo(a, args);
  if (a.score) {
    args.score = a.score.value;
    if (a.score.mode === 'add') args.scoreMode = 'add';
  }
  const missing: string[] = [];
  if (args.email === undefined) missing.push('email');
  const changes = Object.keys(args).filter((k) => k !== 'email');
  if (a.scoreMentioned && a.score === undefined) missing.push('score');
  else if (changes.length === 0) return { arguments: args, missing: [...missing, ...UPDATABLE], either: UPDATABLE, ...leadName(a) };
  return { arguments: args, missing, ...leadName(a) };
}

function leadName(a: Analysis): { leadName?: string } {
  const name = a.emails.length === 0 ? firstName(a.people.names, ['lead', 'called', 'to']) : undefined;
  return name ? { leadName: name } : {};
}

function deleteLead(a: Analysis): Draft {
  const args: Record<string, unknown> = {};
  put(args, 'email', a.emails[0]?.value);
  put(args, 'machineCode', machineCode(a));
  put(args, 'sequenceCode', a.codes.sequenceCode);
  const missing = ['email', 'machineCode'].filter((k) => args[k] === undefined);
  return { arguments: args, missing, ...leadName(a) };
}

function byMachine(a: Analysis): Draft {
  const code = machineCode(a);
  return code === undefined ? { arguments: {}, missing: ['machineCode'] } : { arguments: { machineCode: code }, missing: [] };
}

function getMachines(a: Analysis): Draft {
  const args: Record<string, unknown> = {};
  put(args, 'page', a.codes.page);
  put(args, 'pageSize', a.codes.pageSize);
  return { arguments: args, missing: [] };
}

/** Without a clear topic, what follows "email" (or the verb) is the topic: "escreva algo sobre o Natal". */
function fallbackTopic(a: Analysis, noun: Token | undefined): string | undefined {
  const anchor = noun ?? a.text.tokens.find((t) => isVerb(t.text));
  const from = anchor ? anchor.index + 1 : 0;
  const words = a.text.tokens
    .slice(from)
    .filter((t) => /\p{L}{2}/u.test(t.text) && !TOPIC_STOP.has(t.text) && !PARTICLES.has(t.text) && !NOUNS.content.has(t.text));
  const first = words[0];
  const last = words[words.length - 1];
  if (!first || !last) return undefined;
  return a.text.original.slice(first.start, last.end).slice(0, 300).trim();
}

function createEmailContent(a: Analysis, noun: Token | undefined): Draft {
  const content = extractContent(a.text, noun, a.discounts, a.language);
  const args: Record<string, unknown> = { ...content };
  put(args, 'topic', content.topic ?? fallbackTopic(a, noun));
  return { arguments: args, missing: args.topic === undefined ? ['topic'] : [] };
}

export function draftArguments(tool: ToolName, a: Analysis, contentNoun?: Token): Draft {
  switch (tool) {
    case 'get_leads': return getLeads(a);
    case 'create_lead': return createLead(a);
    case 'update_lead': return updateLead(a);
    case 'delete_lead': return deleteLead(a);
    case 'get_machines': return getMachines(a);
    case 'get_machine_details': return byMachine(a);
    case 'get_email_sequences': return byMachine(a);
    case 'create_email_content': return createEmailContent(a, contentNoun);
  }
}
