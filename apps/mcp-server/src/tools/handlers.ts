// What each of the 8 tools does once the caller is known and the arguments are parsed: one backend call (or the
// email writer). Transport concerns (caller, errors, result shape and its summary line) live in server.ts.
import type { ToolName } from '@leadlovers/tools';
import type { SummaryNotes } from '@leadlovers/tool-result';
import type { LeadLoversBackend } from '../backend/types.js';
import type { ToolArgs, ToolOutput } from '../tool-types.js';

/** An email as a writer returns it: the tool's output, the template occasion, and why an LLM was not used. */
export type EmailDraft = ToolOutput<'create_email_content'> & { occasion?: string; fallbackReason?: string };

/** Writes create_email_content's email: the templates offline, the client's LLM through sampling (see server.ts). */
export type EmailWriter = (args: ToolArgs<'create_email_content'>) => Promise<EmailDraft>;

export interface ToolContext {
  backend: LeadLoversBackend;
  writeEmail: EmailWriter;
  account: string;
  /** The MCP call's cancellation (notifications/cancelled): passed to the backend, down to every retry. */
  signal?: AbortSignal | undefined;
}

export interface ToolAnswer<N extends ToolName> {
  output: ToolOutput<N>;
  /** What the summary line should say beyond the output (why the email came from the templates). */
  notes?: SummaryNotes;
}

type ToolHandlers = { [N in ToolName]: (context: ToolContext, args: ToolArgs<N>) => Promise<ToolAnswer<N>> };

export const TOOL_HANDLERS: ToolHandlers = {
  async get_leads({ backend, account, signal }, args) {
    return { output: await backend.getLeads(account, args, { signal }) };
  },
  async create_lead({ backend, account, signal }, args) {
    return { output: await backend.createLead(account, args, { signal }) };
  },
  async update_lead({ backend, account, signal }, args) {
    return { output: await backend.updateLead(account, args, { signal }) };
  },
  async delete_lead({ backend, account, signal }, args) {
    return { output: await backend.deleteLead(account, args, { signal }) };
  },
  async get_machines({ backend, account, signal }, args) {
    return { output: await backend.getMachines(account, args, { signal }) };
  },
  async get_machine_details({ backend, account, signal }, args) {
    return { output: await backend.getMachineDetails(account, args.machineCode, { signal }) };
  },
  async get_email_sequences({ backend, account, signal }, args) {
    return { output: await backend.getEmailSequences(account, args.machineCode, { signal }) };
  },
  async create_email_content({ writeEmail }, args) {
    // The occasion only chose the template; the output schema has no place for it.
    const { occasion: _occasion, fallbackReason, ...output } = await writeEmail(args);
    return { output, ...(fallbackReason ? { notes: { fallbackReason } } : {}) };
  },
};
