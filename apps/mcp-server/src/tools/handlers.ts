// What each of the 8 tools does once the caller is known and the arguments are parsed: one backend call (or the
// email writer) and a summary line. Transport concerns (caller, errors, result shape) live in server.ts.
import type { ToolName } from '@leadlovers/tools';
import type { LeadLoversBackend } from '../backend/types.js';
import type { ToolArgs, ToolOutput } from '../tool-types.js';
import * as summary from './summaries.js';

/** An email as a writer returns it: the tool's output, the template occasion, and why an LLM was not used. */
export type EmailDraft = ToolOutput<'create_email_content'> & { occasion?: string; fallbackReason?: string };

/** Writes create_email_content's email: the templates offline, the client's LLM through sampling (see server.ts). */
export type EmailWriter = (args: ToolArgs<'create_email_content'>) => Promise<EmailDraft>;

export interface ToolContext {
  backend: LeadLoversBackend;
  writeEmail: EmailWriter;
  account: string;
}

export interface ToolAnswer<N extends ToolName> {
  output: ToolOutput<N>;
  summary: string;
}

type ToolHandlers = { [N in ToolName]: (context: ToolContext, args: ToolArgs<N>) => Promise<ToolAnswer<N>> };

const answer = <N extends ToolName>(output: ToolOutput<N>, text: string): ToolAnswer<N> => ({ output, summary: text });

export const TOOL_HANDLERS: ToolHandlers = {
  async get_leads({ backend, account }, args) {
    const output = await backend.getLeads(account, args);
    return answer(output, summary.summarizeLeads(output));
  },
  async create_lead({ backend, account }, args) {
    const output = await backend.createLead(account, args);
    return answer(output, summary.summarizeCreatedLead(output));
  },
  async update_lead({ backend, account }, args) {
    const output = await backend.updateLead(account, args);
    return answer(output, summary.summarizeUpdatedLead(output));
  },
  async delete_lead({ backend, account }, args) {
    const output = await backend.deleteLead(account, args);
    return answer(output, summary.summarizeDeletedLead(output));
  },
  async get_machines({ backend, account }, args) {
    const output = await backend.getMachines(account, args);
    return answer(output, summary.summarizeMachines(output));
  },
  async get_machine_details({ backend, account }, args) {
    const output = await backend.getMachineDetails(account, args.machineCode);
    return answer(output, summary.summarizeMachineDetails(output));
  },
  async get_email_sequences({ backend, account }, args) {
    const output = await backend.getEmailSequences(account, args.machineCode);
    return answer(output, summary.summarizeSequences(output));
  },
  async create_email_content({ writeEmail }, args) {
    const { occasion, fallbackReason, ...output } = await writeEmail(args);
    return answer(output, summary.summarizeEmail(output, occasion, fallbackReason));
  },
};
