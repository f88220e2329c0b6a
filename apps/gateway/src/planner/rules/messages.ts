// Everything the planner says to a user, in Portuguese and English: what is missing, what it did not
// understand, and example prompts that route to each tool.
import type { ToolName } from '@leadlovers/tools';
import type { Language } from '../types.js';

export const EXAMPLES: Record<Language, string[]> = {
  pt: [
    'Liste todas as máquinas disponíveis',
    'Busque leads da máquina 12345',
    'Crie um lead chamado João Silva com email joao@example.com',
    'Atualize o score do lead joao@example.com para 80',
    'Liste sequências da máquina 12345',
    'Gere um email de boas-vindas para novos assinantes',
  ],
  en: [
    'List all available machines',
    'Show leads of machine 12345',
    'Create a lead named John Smith with email john@example.com',
    'Update the score of lead john@example.com to 80',
    'List sequences of machine 12345',
    'Write a welcome email for new subscribers',
  ],
};

const FIELD_LABELS: Record<Language, Record<string, string>> = {
  pt: {
    email: 'e-mail do lead (email)', machineCode: 'código da máquina (machineCode)', score: 'nova pontuação (score)',
    topic: 'assunto do e-mail (topic)', name: 'nome (name)', phone: 'telefone (phone)', company: 'empresa (company)',
    city: 'cidade (city)', state: 'estado (state)', birthday: 'aniversário (birthday)', gender: 'sexo (gender)',
    tags: 'tags (tags)',
  },
  en: {
    email: "the lead's email (email)", machineCode: 'the machine code (machineCode)', score: 'the new score (score)',
    topic: 'what the email is about (topic)', name: 'name (name)', phone: 'phone (phone)', company: 'company (company)',
    city: 'city (city)', state: 'state (state)', birthday: 'birthday (birthday)', gender: 'gender (gender)',
    tags: 'tags (tags)',
  },
};
// Portuguese contracts "de" with the label's article: "preciso do e-mail", "preciso da nova pontuação".
const PT_OF: Record<string, string> = { score: 'da' };

const ACTIONS: Record<Language, Record<ToolName, string>> = {
  pt: {
    get_leads: 'buscar leads', create_lead: 'criar o lead', update_lead: 'atualizar o lead',
    delete_lead: 'remover o lead', get_machines: 'listar as máquinas', get_machine_details: 'detalhar a máquina',
    get_email_sequences: 'listar as sequências', create_email_content: 'escrever o e-mail',
  },
  en: {
    get_leads: 'find leads', create_lead: 'create the lead', update_lead: 'update the lead',
    delete_lead: 'remove the lead', get_machines: 'list the machines', get_machine_details: 'show the machine',
    get_email_sequences: 'list the sequences', create_email_content: 'write the email',
  },
};

const TOOL_EXAMPLES: Record<Language, Record<ToolName, string>> = {
  pt: {
    get_leads: 'Busque leads da máquina 12345',
    create_lead: 'Crie um lead chamado Maria Santos com email maria@exemplo.com',
    update_lead: 'Atualize o score do lead maria@exemplo.com para 80',
    delete_lead: 'Remova o lead maria@exemplo.com da máquina 12345',
    get_machines: 'Liste todas as máquinas',
    get_machine_details: 'Detalhes da máquina 12345',
    get_email_sequences: 'Liste sequências da máquina 12345',
    create_email_content: 'Gere um email de boas-vindas para novos assinantes',
  },
  en: {
    get_leads: 'Show leads of machine 12345',
    create_lead: 'Create a lead named Mary Smith with email mary@example.com',
    update_lead: 'Update the score of lead mary@example.com to 80',
    delete_lead: 'Remove lead mary@example.com from machine 12345',
    get_machines: 'List all machines',
    get_machine_details: 'Details of machine 12345',
    get_email_sequences: 'List sequences of machine 12345',
    create_email_content: 'Write a welcome email for new subscribers',
  },
};

function joinList(items: string[], language: Language): string {
  if (items.length <= 1) return items.join('');
  const last = items[items.length - 1] ?? '';
  return `${items.slice(0, -1).join(', ')} ${language === 'pt' ? 'e' : 'and'} ${last}`;
}

/**
 * "Para criar o lead, preciso do e-mail do lead (email)." plus an example. `either` lists optional fields of which
 * any one will do (an update that names nothing to change).
 */
export function needsInputMessage(
  tool: ToolName,
  missing: string[],
  language: Language,
  hint: { leadName?: string; either?: string[] } = {},
): string {
  const either = hint.either ?? [];
  const required = missing.filter((field) => !either.includes(field));
  const label = (field: string) => FIELD_LABELS[language][field] ?? field;
  const short = (field: string) => label(field).replace(/ \(\w+\)$/, '');
  const action = ACTIONS[language][tool] + (hint.leadName ? ` "${hint.leadName}"` : '');
  const example = TOOL_EXAMPLES[language][tool];
  const byEmail = required.includes('email') && tool !== 'create_lead';
  if (language === 'pt') {
    const parts = required.map((f) => `${PT_OF[f] ?? 'do'} ${label(f)}`);
    if (either.length > 0) parts.push(`saber o que mudar (${either.map(short).join(', ')})`);
    const idBy = byEmail ? ' Os leads são identificados pelo e-mail.' : '';
    return `Para ${action}, preciso ${joinList(parts, 'pt')}.${idBy} Exemplo: "${example}".`;
  }
  const parts = required.map(label);
  if (either.length > 0) parts.push(`to know what to change (${either.map(short).join(', ')})`);
  const idBy = byEmail ? ' Leads are identified by their email.' : '';
  return `To ${action}, I need ${joinList(parts, 'en')}.${idBy} Example: "${example}".`;
}

export function unknownMessage(language: Language, unsupported: boolean): string {
  if (language === 'pt') {
    return unsupported
      ? 'Entendi o pedido, mas nenhuma ferramenta faz isso. Posso listar máquinas, sequências e leads, criar, atualizar ou remover leads e escrever e-mails. Por exemplo:'
      : 'Não entendi o pedido. Posso listar máquinas, sequências e leads, criar, atualizar ou remover leads e escrever e-mails. Por exemplo:';
  }
  return unsupported
    ? 'I understood the request, but no tool does that. I can list machines, sequences and leads, create, update or remove leads, and write emails. For example:'
    : "I didn't understand the request. I can list machines, sequences and leads, create, update or remove leads, and write emails. For example:";
}
