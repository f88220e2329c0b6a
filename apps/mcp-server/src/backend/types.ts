// What the MCP tools need from LeadLovers: one method per data tool, each scoped to the caller's account.
// Two implementations share it: the embedded SQLite store (default) and the HTTP client of the real
// LeadLovers REST API. Methods throw ToolError (NOT_FOUND, CONFLICT, INVALID_ARGUMENTS) for the caller's
// mistakes; anything else is a backend failure.
import type { ToolArgs, ToolOutput } from '../tool-types.js';

/** Per call: the MCP call's cancellation, which a remote backend passes to every request and retry. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface LeadLoversBackend {
  /** Leads matching the filters, ordered by Code, one page at a time (default 20 per page). */
  getLeads(account: string, query: ToolArgs<'get_leads'>, options?: CallOptions): Promise<ToolOutput<'get_leads'>>;
  /**
   * Adds a lead to a machine. Machine, sequence and level default to the account's first machine, that machine's
   * first sequence and that sequence's first level; the ones chosen are listed in `defaultsApplied`.
   */
  createLead(account: string, input: ToolArgs<'create_lead'>, options?: CallOptions): Promise<ToolOutput<'create_lead'>>;
  /** Updates the lead with this email (in every machine it is in); score is overwritten or added to. */
  updateLead(account: string, input: ToolArgs<'update_lead'>, options?: CallOptions): Promise<ToolOutput<'update_lead'>>;
  /** Removes the lead from the machine, or with sequenceCode only from that sequence (funnel). */
  deleteLead(account: string, input: ToolArgs<'delete_lead'>, options?: CallOptions): Promise<ToolOutput<'delete_lead'>>;
  getMachines(account: string, query: ToolArgs<'get_machines'>, options?: CallOptions): Promise<ToolOutput<'get_machines'>>;
  getMachineDetails(account: string, machineCode: number, options?: CallOptions): Promise<ToolOutput<'get_machine_details'>>;
  getEmailSequences(account: string, machineCode: number, options?: CallOptions): Promise<ToolOutput<'get_email_sequences'>>;
  /** Releases connections; the backend is unusable afterwards. */
  close(): void;
}

export const DEFAULT_LEADS_PAGE_SIZE = 20;
export const DEFAULT_MACHINES_PAGE_SIZE = 50;
