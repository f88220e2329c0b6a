// The LeadLovers HTTP backend: the 8 tools' data calls on the public REST API
// (https://llapi.leadlovers.com/webapi). Each call runs with the token of the caller's account — or is refused
// with FORBIDDEN before any request when that account has none; the tool mappings live in lead-tools.ts and
// catalog-tools.ts.
import type { CallOptions, LeadLoversBackend } from '../types.js';
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
  /**
   * Resolved per call, so a missing token fails that call only, and before anything is sent. Every request of the
   * call carries the account (its circuit breaker) and the call's cancellation.
   */
  const as = (account: string, options: CallOptions = {}): AccountApi => accountApi(client, tokenForAccount(tokens, account), { account, signal: options.signal });
  return {
    getLeads: async (account, query, options) => getLeads(as(account, options), query),
    createLead: async (account, input, options) => createLead(as(account, options), input),
    updateLead: async (account, input, options) => updateLead(as(account, options), input),
    deleteLead: async (account, input, options) => deleteLead(as(account, options), input),
    getMachines: async (account, query, options) => getMachines(as(account, options), query),
    getMachineDetails: async (account, machineCode, options) => getMachineDetails(as(account, options), machineCode),
    getEmailSequences: async (account, machineCode, options) => getEmailSequences(as(account, options), machineCode),
    close() {
      // fetch holds no connection this backend owns.
    },
  };
}
