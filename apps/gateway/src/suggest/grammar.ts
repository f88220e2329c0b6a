// The prompts the rules planner understands, as templates in Portuguese and English: an action verb from the
// planner's lexicon (planner/rules/lexicon.ts) followed by what it acts on, the way planner/rules/intents.ts reads
// them. Generic templates need nothing; data templates take a machine or sequence of the account.
import type { ToolName } from '@leadlovers/tools';
import type { Language } from '../planner/types.js';

/** Groups of interchangeable verbs: a template opening with one routes the same with any other of its group. */
export type VerbGroup = 'list' | 'create' | 'add' | 'update' | 'delete' | 'write';

/**
 * The verbs a suggestion may open with, as displayed, default first. Each is in the planner's VERBS set of the
 * same kind (a test checks). When the user starts with one of them, suggestions keep it ("mostre" → "Mostre …").
 */
export const VERBS: Record<Language, Record<VerbGroup, readonly string[]>> = {
  pt: {
    list: ['Liste', 'Mostre', 'Exiba', 'Busque', 'Procure', 'Consulte', 'Pesquise', 'Encontre', 'Traga', 'Veja', 'Obtenha', 'Confira', 'Verifique', 'Puxe', 'Retorne'],
    create: ['Crie', 'Cadastre', 'Registre'],
    add: ['Adicione', 'Acrescente', 'Inclua', 'Coloque'],
    update: ['Atualize', 'Altere', 'Mude', 'Edite', 'Modifique', 'Defina', 'Ajuste'],
    delete: ['Remova', 'Exclua', 'Apague', 'Descadastre'],
    write: ['Gere', 'Escreva', 'Crie', 'Redija', 'Elabore'],
  },
  en: {
    list: ['List', 'Show', 'Find', 'Get', 'Display', 'Fetch', 'View', 'Retrieve', 'Search', 'Check'],
    create: ['Create', 'Register'],
    add: ['Add'],
    update: ['Update', 'Change', 'Edit', 'Modify', 'Set'],
    delete: ['Remove', 'Delete'],
    write: ['Write', 'Generate', 'Create', 'Draft', 'Compose'],
  },
};

export interface Template {
  tool: ToolName;
  /** The planner calls the tool at once; otherwise it asks for what is missing (the user goes on typing it). */
  complete: boolean;
  /** The text opens with a verb of this group; `text` is then what follows the verb. */
  verb?: VerbGroup;
  text: Record<Language, string>;
  /** Tie-break among equally good matches (0–0.04): the more useful prompt first. */
  prior: number;
  /** Offered when nothing has been typed yet. */
  starter?: boolean;
}

export const GENERIC_TEMPLATES: readonly Template[] = [
  { tool: 'get_machines', complete: true, verb: 'list', text: { pt: 'todas as máquinas', en: 'all machines' }, prior: 0.04, starter: true },
  { tool: 'get_machines', complete: true, text: { pt: 'Quais são as minhas máquinas', en: 'What are my machines' }, prior: 0.01 },
  { tool: 'get_leads', complete: true, verb: 'list', text: { pt: 'os leads de hoje', en: 'leads from today' }, prior: 0.035, starter: true },
  { tool: 'get_leads', complete: true, verb: 'list', text: { pt: 'os leads dos últimos 7 dias', en: 'leads from the last 7 days' }, prior: 0.03 },
  { tool: 'get_leads', complete: true, verb: 'list', text: { pt: 'os leads de ontem', en: 'leads from yesterday' }, prior: 0.02 },
  { tool: 'get_leads', complete: true, verb: 'list', text: { pt: 'todos os leads', en: 'all leads' }, prior: 0.025 },
  { tool: 'create_lead', complete: false, verb: 'create', text: { pt: 'um lead chamado', en: 'a lead named' }, prior: 0.03, starter: true },
  { tool: 'update_lead', complete: false, verb: 'update', text: { pt: 'o score do lead', en: 'the score of lead' }, prior: 0.02 },
  { tool: 'update_lead', complete: false, verb: 'add', text: { pt: '10 pontos ao lead', en: '10 points to lead' }, prior: 0.01 },
  { tool: 'delete_lead', complete: false, verb: 'delete', text: { pt: 'o lead', en: 'lead' }, prior: 0.01 },
  {
    tool: 'create_email_content',
    complete: true,
    verb: 'write',
    text: { pt: 'um email de boas-vindas para novos assinantes', en: 'a welcome email for new subscribers' },
    prior: 0.03,
    starter: true,
  },
  { tool: 'create_email_content', complete: true, verb: 'write', text: { pt: 'um email de Black Friday com 30% de desconto', en: 'a Black Friday email with 30% off' }, prior: 0.02 },
  {
    tool: 'create_email_content',
    complete: true,
    verb: 'write',
    text: { pt: 'um email de reengajamento para clientes inativos', en: 'a re-engagement email for inactive customers' },
    prior: 0.01,
  },
];

/** A template about one machine ({code}, {label}) or one of its sequences ({seq}, {seqLabel} too). */
export interface DataTemplate extends Omit<Template, 'starter'> {
  about: 'machine' | 'sequence';
  /** Offered for the account's first machine when nothing has been typed yet. */
  starter?: boolean;
}

export const DATA_TEMPLATES: readonly DataTemplate[] = [
  {
    about: 'machine',
    tool: 'get_leads',
    complete: true,
    text: { pt: 'Quais são os leads da máquina {code}{label}', en: 'What are the leads of machine {code}{label}' },
    prior: 0.02,
    starter: true,
  },
  { about: 'machine', tool: 'get_leads', complete: true, verb: 'list', text: { pt: 'os leads da máquina {code}{label}', en: 'the leads of machine {code}{label}' }, prior: 0.03 },
  {
    about: 'machine',
    tool: 'get_email_sequences',
    complete: true,
    verb: 'list',
    text: { pt: 'as sequências da máquina {code}{label}', en: 'the sequences of machine {code}{label}' },
    prior: 0.025,
  },
  { about: 'machine', tool: 'get_machine_details', complete: true, text: { pt: 'Detalhes da máquina {code}{label}', en: 'Details of machine {code}{label}' }, prior: 0.015 },
  {
    about: 'sequence',
    tool: 'get_leads',
    complete: true,
    verb: 'list',
    text: { pt: 'os leads da sequência {seq}{seqLabel} da máquina {code}', en: 'the leads of sequence {seq}{seqLabel} of machine {code}' },
    prior: 0.01,
  },
];

export function fillTemplate(text: string, slots: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => slots[name] ?? whole);
}
