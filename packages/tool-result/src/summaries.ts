// One-line, human-readable summaries of tool results, per tool and language: what a chat UI shows above the
// structured data (the gateway, in the prompt's language) and the second text block of every successful result
// (the MCP server, which cannot know the prompt's language, writes English). Reads the data defensively: it
// may come from any MCP server the gateway is pointed at.

export type SummaryLanguage = 'pt' | 'en';

/** What only the server knows about a call, beyond its output. */
export interface SummaryNotes {
  /** create_email_content came from the templates because the LLM (MCP sampling) failed: why. */
  fallbackReason?: string;
}

type Data = Record<string, unknown>;

function count(data: Data, key: string): number {
  const value = data[key];
  return Array.isArray(value) ? value.length : 0;
}

function field(data: Data, ...path: string[]): unknown {
  let value: unknown = data;
  for (const key of path) value = value && typeof value === 'object' ? (value as Data)[key] : undefined;
  return value;
}

export function summarizeToolResult(tool: string, raw: unknown, language: SummaryLanguage, notes: SummaryNotes = {}): string {
  const data: Data = raw && typeof raw === 'object' ? (raw as Data) : {};
  const pt = language === 'pt';
  switch (tool) {
    case 'get_machines': {
      const n = count(data, 'machines');
      return pt ? `${n} máquina(s) encontrada(s) de ${String(data.total ?? n)}.` : `Found ${n} of ${String(data.total ?? n)} machine(s).`;
    }
    case 'get_leads': {
      const n = count(data, 'leads');
      return pt ? `${n} lead(s) nesta página, ${String(data.total ?? n)} no total.` : `${n} lead(s) on this page, ${String(data.total ?? n)} in total.`;
    }
    case 'create_lead': {
      const email = String(field(data, 'lead', 'Email') ?? '');
      const machine = String(field(data, 'lead', 'MachineCode') ?? '');
      const defaults = Array.isArray(data.defaultsApplied) ? (data.defaultsApplied as unknown[]).map(String) : [];
      const note = defaults.length ? (pt ? ` Valores padrão usados: ${defaults.join(', ')}.` : ` Defaults used: ${defaults.join(', ')}.`) : '';
      return (pt ? `Lead ${email} criado na máquina ${machine}.` : `Lead ${email} created in machine ${machine}.`) + note;
    }
    case 'update_lead': {
      const email = String(field(data, 'lead', 'Email') ?? '');
      const fields = Array.isArray(data.updatedFields) ? (data.updatedFields as unknown[]).map(String).join(', ') : '';
      return pt ? `Lead ${email} atualizado (${fields}).` : `Lead ${email} updated (${fields}).`;
    }
    case 'delete_lead': {
      const email = String(data.email ?? '');
      const machine = String(data.machineCode ?? '');
      if (data.removed === 'funnel') {
        const sequence = String(data.sequenceCode ?? '');
        return pt ? `Lead ${email} removido da sequência ${sequence} da máquina ${machine}.` : `Lead ${email} removed from sequence ${sequence} of machine ${machine}.`;
      }
      return pt ? `Lead ${email} removido da máquina ${machine}.` : `Lead ${email} removed from machine ${machine}.`;
    }
    case 'get_machine_details': {
      const name = String(field(data, 'machine', 'MachineName') ?? '');
      const n = count(data, 'sequences');
      return pt ? `Máquina ${name}: ${n} sequência(s) de email.` : `Machine ${name}: ${n} email sequence(s).`;
    }
    case 'get_email_sequences': {
      const n = count(data, 'sequences');
      return pt ? `${n} sequência(s) na máquina ${String(data.machineCode ?? '')}.` : `${n} sequence(s) in machine ${String(data.machineCode ?? '')}.`;
    }
    case 'create_email_content': {
      const subject = String(data.subject ?? '');
      const reason = notes.fallbackReason;
      const fallback = reason ? (pt ? ` (templates no lugar do LLM: ${reason})` : ` (fallback to the templates: ${reason})`) : '';
      return pt ? `Email gerado: "${subject}"${fallback}.` : `Email written: "${subject}"${fallback}.`;
    }
    default:
      return pt ? `Ferramenta ${tool} executada.` : `Tool ${tool} ran.`;
  }
}
