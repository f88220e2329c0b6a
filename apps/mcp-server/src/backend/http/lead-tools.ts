// get_leads, create_lead, update_lead and delete_lead over the LeadLovers API (GET /Leads, GET /Lead?email=,
// POST /Lead, PATCH /Lead, POST /Score, DELETE /Lead and /Lead/Funnel), with the embedded store's semantics where
// the API allows: create_lead's defaults, NOT_FOUND for an unknown lead, INVALID_ARGUMENTS for an empty update.
import type { Lead } from '@leadlovers/tools';
import { ToolError } from '../../errors.js';
import type { ToolArgs, ToolOutput } from '../../tool-types.js';
import { DEFAULT_LEADS_PAGE_SIZE } from '../types.js';
import { naming, type AccountApi } from './account-api.js';
import { anyAnswerSchema, leadsPageSchema, machinesPageSchema, toLead } from './api-schemas.js';

const PROFILE_FIELDS = ['name', 'phone', 'company', 'city', 'state', 'birthday', 'gender', 'tags'] as const;
/** Tool argument → LeadLovers body field. */
const API_FIELD = {
  name: 'Name',
  phone: 'Phone',
  company: 'Company',
  city: 'City',
  state: 'State',
  birthday: 'Birthday',
  gender: 'Gender',
  tags: 'Tags',
} as const;

function profileBody(input: Partial<Record<(typeof PROFILE_FIELDS)[number], unknown>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) if (input[field] !== undefined) body[API_FIELD[field]] = input[field];
  return body;
}

export async function getLeads(api: AccountApi, query: ToolArgs<'get_leads'>): Promise<ToolOutput<'get_leads'>> {
  if (query.startDate !== undefined && query.endDate !== undefined && query.startDate > query.endDate) {
    throw new ToolError('INVALID_ARGUMENTS', 'startDate must not be after endDate', 'endDate');
  }
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_LEADS_PAGE_SIZE;
  let fetched: Lead[];
  if (query.email !== undefined) {
    // /Leads cannot filter by email; /Lead?email= finds the one lead (or none) directly.
    const lead = await api.leadByEmail(query.email);
    fetched = lead ? [toLead(lead)] : [];
  } else {
    const answer = await api.request({
      method: 'GET',
      path: '/Leads',
      query: { page, startDate: query.startDate, endDate: query.endDate },
      schema: leadsPageSchema,
    });
    fetched = answer.Data.map(toLead);
  }
  // The API has no machine, sequence or text filter on /Leads: these filters apply client-side, to the one API
  // page fetched (tool page N = API page N). So `total` counts the matches on that API page — the API reports no
  // overall count — and at most pageSize of them are returned.
  const search = query.search?.toLowerCase();
  const matches = fetched.filter(
    (lead) =>
      (query.machineCode === undefined || lead.MachineCode === query.machineCode) &&
      (query.sequenceCode === undefined || lead.SequenceCode === query.sequenceCode) &&
      (search === undefined || lead.Email.toLowerCase().includes(search) || (lead.Name ?? '').toLowerCase().includes(search)) &&
      (query.email === undefined || query.startDate === undefined || lead.RegistrationDate.slice(0, 10) >= query.startDate) &&
      (query.email === undefined || query.endDate === undefined || lead.RegistrationDate.slice(0, 10) <= query.endDate),
  );
  // An email lookup is a single result: it sits on page 1; later pages are empty, with the same total.
  const shown = query.email !== undefined && page > 1 ? [] : matches.slice(0, pageSize);
  return { leads: shown, page, pageSize, total: matches.length };
}

export async function createLead(api: AccountApi, input: ToolArgs<'create_lead'>): Promise<ToolOutput<'create_lead'>> {
  const defaultsApplied: string[] = [];

  let machineCode = input.machineCode;
  if (machineCode === undefined) {
    const first = await api.request({
      method: 'GET',
      path: '/Machines',
      query: { page: 1, registers: 1 },
      schema: machinesPageSchema,
    });
    machineCode = first.Items[0]?.MachineCode;
    if (machineCode === undefined) throw new ToolError('NOT_FOUND', 'This account has no machine to add the lead to', 'machineCode');
    defaultsApplied.push('machineCode');
  }

  let sequenceCode = input.sequenceCode;
  if (sequenceCode === undefined) {
    const sequences = await naming(`Machine ${machineCode}`, 'machineCode', api.sequences(machineCode));
    sequenceCode = sequences.Items[0]?.SequenceCode;
    // POST /Lead needs a sequence: unlike the embedded store, a machine without one cannot take leads here.
    if (sequenceCode === undefined) {
      throw new ToolError('NOT_FOUND', `Machine ${machineCode} has no email sequence to add the lead to`, 'sequenceCode');
    }
    defaultsApplied.push('sequenceCode');
  }

  let levelCode = input.levelCode;
  if (levelCode === undefined) {
    const levels = await naming(`Email sequence ${sequenceCode} in machine ${machineCode}`, 'sequenceCode', api.levels(machineCode, sequenceCode));
    levelCode = levels.Items[0]?.Sequence;
    if (levelCode === undefined) {
      throw new ToolError('NOT_FOUND', `Email sequence ${sequenceCode} has no level to add the lead to`, 'levelCode');
    }
    defaultsApplied.push('levelCode');
  }

  // Not retried (POST is not idempotent): a lost answer must not enrol the lead twice.
  await api.request({
    method: 'POST',
    path: '/Lead',
    body: { Email: input.email, ...profileBody(input), MachineCode: machineCode, EmailSequenceCode: sequenceCode, SequenceLevelCode: levelCode },
    schema: anyAnswerSchema,
  });
  if (input.score !== undefined) {
    try {
      await api.request({ method: 'POST', path: '/Score', body: { Email: input.email, Score: input.score, Overwrite: true }, schema: anyAnswerSchema });
    } catch (err) {
      if (err instanceof ToolError) throw new ToolError(err.code, `The lead was queued, but its score was not set: ${err.message}`, 'score');
      throw err;
    }
  }
  // LeadLovers answers "queued" without a code: the lead's Code is unknown (0) until LeadLovers processes it;
  // get_leads with its email shows the real one afterwards.
  const lead: Lead = {
    Code: 0,
    Email: input.email,
    Name: input.name ?? null,
    Phone: input.phone ?? null,
    Company: input.company ?? null,
    City: input.city ?? null,
    State: input.state ?? null,
    Birthday: input.birthday ?? null,
    Gender: input.gender ?? null,
    Score: input.score ?? 0,
    Tags: input.tags ?? [],
    MachineCode: machineCode,
    SequenceCode: sequenceCode,
    Level: levelCode,
    RegistrationDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return { lead, defaultsApplied };
}

export async function updateLead(api: AccountApi, input: ToolArgs<'update_lead'>): Promise<ToolOutput<'update_lead'>> {
  const profile = profileBody(input);
  const updatedFields = PROFILE_FIELDS.filter((field) => input[field] !== undefined) as string[];
  if (input.score === undefined && input.scoreMode !== undefined) {
    throw new ToolError('INVALID_ARGUMENTS', 'scoreMode needs a score to set or add', 'score');
  }
  if (input.score !== undefined) updatedFields.push('score');
  if (updatedFields.length === 0) {
    throw new ToolError('INVALID_ARGUMENTS', `Nothing to update: give at least one of ${[...PROFILE_FIELDS, 'score'].join(', ')}`);
  }
  const what = `Lead ${input.email}`;
  if (Object.keys(profile).length > 0) {
    await naming(what, 'email', api.request({ method: 'PATCH', path: '/Lead', body: { Email: input.email, ...profile }, schema: anyAnswerSchema }));
  }
  if (input.score !== undefined) {
    const body = { Email: input.email, Score: input.score, Overwrite: input.scoreMode !== 'add' };
    await naming(what, 'email', api.request({ method: 'POST', path: '/Score', body, schema: anyAnswerSchema }));
  }
  const lead = await api.leadByEmail(input.email);
  if (!lead) throw new ToolError('NOT_FOUND', `${what} not found`, 'email');
  return { lead: toLead(lead), updatedFields };
}

export async function deleteLead(api: AccountApi, input: ToolArgs<'delete_lead'>): Promise<ToolOutput<'delete_lead'>> {
  const { email, machineCode } = input;
  if (input.sequenceCode === undefined) {
    await naming(`Lead ${email} in machine ${machineCode}`, 'email', api.request({ method: 'DELETE', path: '/Lead', query: { email, machineCode }, schema: anyAnswerSchema }));
    return { email, machineCode, sequenceCode: null, removed: 'machine' };
  }
  const sequenceCode = input.sequenceCode;
  await naming(
    `Lead ${email} in email sequence ${sequenceCode}`,
    'sequenceCode',
    api.request({ method: 'DELETE', path: '/Lead/Funnel', query: { machineCode, sequenceCode, email }, schema: anyAnswerSchema }),
  );
  return { email, machineCode, sequenceCode, removed: 'funnel' };
}
