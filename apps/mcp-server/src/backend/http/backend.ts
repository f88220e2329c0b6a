// The LeadLovers HTTP backend: the 8 tools' data calls on the public REST API
// (https://llapi.leadlovers.com/webapi). Each call runs with the token of the caller's account — or is refused
// with FORBIDDEN before any request when that account has none; the tool mappings live in lead-tools.ts and
// catalog-tools.ts.
import type { LeadLoversBackend } from '../types.js';
import { accountApi, type AccountApi } from './account-api.js';
import { tokenForAccount, type AccountTokens } from './account-tokens.js';
import { getEmailSequences, getMachineDetails, getMachines } from './catalog-tools.js';
import type { LeadLoversClient } from './client.js';
import { createLead, deleteLead, getLeads, updateLead } from './lead-tools.js';

export interface HttpBackendOptions {
  client: LeadLoversClient;
  tokens: AccountTokens;
}

export function createHttpBackend({ client, tokens }: HttpBackendOptions): LeadLoversBackend {
  /** Resolved per call, so a missing token fails that call only, and before anything is sent. */
  const as = (account: string): AccountApi => accountApi(client, tokenForAccount(tokens, account));
  return {
    getLeads: async (account, query) => getLeads(as(account), query),
    createLead: async (account, input) => createLead(as(account), input),
    updateLead: async (account, input) => updateLead(as(account), input),
    deleteLead: async (account, input) => deleteLead(as(account), input),
    getMachines: async (account, query) => getMachines(as(account), query),
    getMachineDetails: async (account, machineCode) => getMachineDetails(as(account), machineCode),
    getEmailSequences: async (account, machineCode) => getEmailSequences(as(account), machineCode),
    close() {
      // fetch holds no connection this backend owns.
    },
  };
}
