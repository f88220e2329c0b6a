// One-line, human-readable summaries of tool outputs: the second text block of every successful result, which
// the gateway and LLM planners can show as is. Says which defaults create_lead chose.
import type { ToolOutput } from '../tool-types.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

const DEFAULT_NAMES: Record<string, string> = {
  machineCode: "machine (the account's first machine)",
  sequenceCode: "email sequence (the machine's first sequence)",
  levelCode: "level (the sequence's first level)",
};

export function summarizeLeads(output: ToolOutput<'get_leads'>): string {
  const shown = output.leads.length;
  return `Found ${plural(output.total, 'lead')}; page ${output.page} shows ${shown} (${output.pageSize} per page).`;
}

export function summarizeCreatedLead({ lead, defaultsApplied }: ToolOutput<'create_lead'>): string {
  const where = [`machine ${lead.MachineCode}`];
  if (lead.SequenceCode !== null) where.push(`email sequence ${lead.SequenceCode}`);
  if (lead.Level !== null) where.push(`level ${lead.Level}`);
  const defaults = defaultsApplied.length
    ? ` Not given, so defaulted: ${defaultsApplied.map((field) => DEFAULT_NAMES[field] ?? field).join(', ')}.`
    : '';
  // Code 0: the LeadLovers API only queued the lead and gives its code once it has processed it.
  const code = lead.Code === 0 ? 'queued; LeadLovers assigns its code shortly' : `code ${lead.Code}`;
  return `Created lead ${lead.Email} (${code}) in ${where.join(', ')}.${defaults}`;
}

export function summarizeUpdatedLead({ lead, updatedFields }: ToolOutput<'update_lead'>): string {
  const score = updatedFields.includes('score') ? ` Score is now ${lead.Score}.` : '';
  return `Updated lead ${lead.Email}: ${updatedFields.join(', ')}.${score}`;
}

export function summarizeDeletedLead(output: ToolOutput<'delete_lead'>): string {
  return output.removed === 'machine'
    ? `Removed lead ${output.email} from machine ${output.machineCode}.`
    : `Removed lead ${output.email} from email sequence ${output.sequenceCode} of machine ${output.machineCode}; it stays in the machine.`;
}

export function summarizeMachines(output: ToolOutput<'get_machines'>): string {
  const names = output.machines.map((m) => `${m.MachineCode} "${m.MachineName}" (${plural(m.Leads, 'lead')})`);
  return `The account has ${plural(output.total, 'machine')}${names.length ? `: ${names.join('; ')}` : ''}.`;
}

export function summarizeMachineDetails({ machine, sequences }: ToolOutput<'get_machine_details'>): string {
  return `Machine ${machine.MachineCode} "${machine.MachineName}" (${machine.MachineType}): ${plural(machine.Leads, 'lead')}, ${plural(sequences.length, 'email sequence')}.`;
}

export function summarizeSequences(output: ToolOutput<'get_email_sequences'>): string {
  const names = output.sequences.map((s) => `${s.SequenceCode} "${s.SequenceName}"`);
  return `Machine ${output.machineCode} has ${plural(names.length, 'email sequence')}${names.length ? `: ${names.join('; ')}` : ''}.`;
}

export function summarizeEmail(output: ToolOutput<'create_email_content'>, occasion?: string, fallbackReason?: string): string {
  const source = output.model === 'template' ? `from the ${occasion ?? 'default'} template` : `by ${output.model}`;
  const fallback = fallbackReason ? ` (fallback to the templates: ${fallbackReason})` : '';
  return `Email written ${source}${fallback}. Subject: ${output.subject}`;
}
