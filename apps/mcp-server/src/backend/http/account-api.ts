// The LeadLovers API as one account sees it: the client bound to that account's token, plus the few reads more
// than one tool needs. Tool code works on this and never handles a token.
import { ToolError } from '../../errors.js';
import { leadByEmailSchema, levelsSchema, sequencesSchema, type ApiLead } from './api-schemas.js';
import type { ApiRequest, CallScope, LeadLoversClient } from './client.js';
import type { z } from 'zod';

export interface AccountApi {
  request<S extends z.ZodType>(request: ApiRequest<S>): Promise<z.output<S>>;
  /** GET /Lead?email= ; undefined when LeadLovers knows no such lead. */
  leadByEmail(email: string): Promise<ApiLead | undefined>;
  /** GET /EmailSequences?machineCode= */
  sequences(machineCode: number): Promise<z.output<typeof sequencesSchema>>;
  /** GET /Levels?machineCode=&sequenceCode= */
  levels(machineCode: number, sequenceCode: number): Promise<z.output<typeof levelsSchema>>;
}

export function accountApi(client: LeadLoversClient, token: string, scope: CallScope = {}): AccountApi {
  const request: AccountApi['request'] = (req) => client.request(token, req, scope);
  return {
    request,
    async leadByEmail(email) {
      try {
        const answer = await request({ method: 'GET', path: '/Lead', query: { email }, schema: leadByEmailSchema });
        const data = 'Data' in answer ? (answer.Data as ApiLead | ApiLead[]) : (answer as ApiLead);
        return Array.isArray(data) ? data[0] : data;
      } catch (err) {
        if (err instanceof ToolError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      }
    },
    sequences: (machineCode) => request({ method: 'GET', path: '/EmailSequences', query: { machineCode }, schema: sequencesSchema }),
    levels: (machineCode, sequenceCode) =>
      request({ method: 'GET', path: '/Levels', query: { machineCode, sequenceCode }, schema: levelsSchema }),
  };
}

/** Rewrites a NOT_FOUND from the API into one naming what was missing, keeping LeadLovers' own words. */
export async function naming<T>(what: string, field: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ToolError && err.code === 'NOT_FOUND') {
      const detail = err.message.replace(/^not found in LeadLovers:?\s*/, '');
      throw new ToolError('NOT_FOUND', detail ? `${what} not found (${detail})` : `${what} not found`, field);
    }
    throw err;
  }
}
