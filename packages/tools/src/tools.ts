// The 8 LeadLovers tools: names, descriptions and input/output zod schemas. The MCP server registers exactly
// these, and the planners build arguments against them, so the two cannot drift apart.
import { z } from 'zod';
import {
  EmailSequenceSchema,
  EmailSequenceWithLevelsSchema,
  LeadSchema,
  MachineSchema,
} from './entities.js';
import {
  codeField,
  dateField,
  emailField,
  genderField,
  nameField,
  pageField,
  phoneField,
  scoreField,
  tagsField,
} from './fields.js';

const leadProfileShape = {
  name: nameField.optional(),
  phone: phoneField.optional(),
  company: z.string().trim().max(120).optional(),
  city: z.string().trim().max(80).optional(),
  state: z.string().trim().max(40).optional(),
  birthday: dateField.optional(),
  gender: genderField.optional(),
  tags: tagsField.optional(),
};

export const getLeadsInput = {
  machineCode: codeField.optional().describe('Only leads of this machine'),
  sequenceCode: codeField.optional().describe('Only leads in this email sequence'),
  email: emailField.optional().describe('Only the lead with this email'),
  search: z.string().trim().min(1).max(120).optional().describe('Part of the name or email'),
  startDate: dateField.optional().describe('Registered on or after this day (YYYY-MM-DD)'),
  endDate: dateField.optional().describe('Registered on or before this day (YYYY-MM-DD)'),
  page: pageField.optional().describe('Page number, from 1'),
  pageSize: z.number().int().min(1).max(100).optional().describe('Leads per page (default 20)'),
};
export const getLeadsOutput = {
  leads: z.array(LeadSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
};

export const createLeadInput = {
  email: emailField.describe('Email of the new lead (required)'),
  ...leadProfileShape,
  score: scoreField.optional(),
  machineCode: codeField.optional().describe("Machine to add the lead to (default: the account's first machine)"),
  sequenceCode: codeField.optional().describe("Email sequence (default: the machine's first sequence)"),
  levelCode: codeField.optional().describe("Level in the sequence (default: the sequence's first level)"),
};
export const createLeadOutput = {
  lead: LeadSchema,
  defaultsApplied: z.array(z.string()).describe('Fields the tool chose because the caller did not'),
};

export const updateLeadInput = {
  email: emailField.describe('Email of the lead to update'),
  ...leadProfileShape,
  score: scoreField.optional(),
  scoreMode: z.enum(['set', 'add']).optional().describe("'set' overwrites the score (default), 'add' adds to it"),
};
export const updateLeadOutput = {
  lead: LeadSchema,
  updatedFields: z.array(z.string()),
};

export const deleteLeadInput = {
  email: emailField.describe('Email of the lead to remove'),
  machineCode: codeField.describe('Machine to remove the lead from'),
  sequenceCode: codeField.optional().describe('Only take the lead out of this sequence (funnel), keeping it in the machine'),
};
export const deleteLeadOutput = {
  email: z.string(),
  machineCode: z.number().int(),
  sequenceCode: z.number().int().nullable(),
  removed: z.enum(['machine', 'funnel']),
};

export const getMachinesInput = {
  page: pageField.optional(),
  pageSize: z.number().int().min(1).max(100).optional().describe('Machines per page (default 50)'),
};
export const getMachinesOutput = {
  machines: z.array(MachineSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
};

export const getMachineDetailsInput = {
  machineCode: codeField.describe('Code of the machine'),
};
export const getMachineDetailsOutput = {
  machine: MachineSchema,
  sequences: z.array(EmailSequenceWithLevelsSchema),
};

export const getEmailSequencesInput = {
  machineCode: codeField.describe('Code of the machine'),
};
export const getEmailSequencesOutput = {
  machineCode: z.number().int(),
  sequences: z.array(EmailSequenceSchema),
};

export const createEmailContentInput = {
  topic: z.string().trim().min(2).max(300).describe('What the email is about, e.g. "boas-vindas para novos assinantes"'),
  offer: z.string().trim().max(200).optional().describe('Product or offer, e.g. "curso de marketing"'),
  discount: z.string().trim().max(40).optional().describe('Discount, e.g. "50%"'),
  audience: z.string().trim().max(120).optional(),
  tone: z.enum(['friendly', 'professional', 'urgent']).optional(),
  language: z.enum(['pt-BR', 'en']).optional().describe('Language of the email (default pt-BR)'),
};
export const createEmailContentOutput = {
  subject: z.string(),
  preheader: z.string(),
  html: z.string(),
  text: z.string(),
  model: z.string().describe("'template' offline, else the LLM model that wrote it"),
};

export const TOOLS = {
  get_leads: {
    title: 'Get leads',
    description: 'List leads of the account, filtered by machine, sequence, email, name or registration date.',
    input: getLeadsInput,
    output: getLeadsOutput,
    readOnly: true,
  },
  create_lead: {
    title: 'Create lead',
    description:
      "Create a lead in a machine. Machine, sequence and level default to the account's first ones when not given.",
    input: createLeadInput,
    output: createLeadOutput,
    readOnly: false,
  },
  update_lead: {
    title: 'Update lead',
    description: 'Update a lead identified by email: profile fields, tags or score (set or add).',
    input: updateLeadInput,
    output: updateLeadOutput,
    readOnly: false,
  },
  delete_lead: {
    title: 'Delete lead',
    description: 'Remove a lead from a machine, or only from one of its sequences (funnel).',
    input: deleteLeadInput,
    output: deleteLeadOutput,
    readOnly: false,
  },
  get_machines: {
    title: 'Get machines',
    description: 'List the machines (automation funnels) of the account.',
    input: getMachinesInput,
    output: getMachinesOutput,
    readOnly: true,
  },
  get_machine_details: {
    title: 'Get machine details',
    description: 'Details of one machine, with its email sequences and their levels.',
    input: getMachineDetailsInput,
    output: getMachineDetailsOutput,
    readOnly: true,
  },
  get_email_sequences: {
    title: 'Get email sequences',
    description: 'List the email sequences of a machine.',
    input: getEmailSequencesInput,
    output: getEmailSequencesOutput,
    readOnly: true,
  },
  create_email_content: {
    title: 'Create email content',
    description: 'Write a marketing email (subject, preheader, HTML and text body) about a topic or offer.',
    input: createEmailContentInput,
    output: createEmailContentOutput,
    readOnly: true,
  },
} as const;

export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

export function isToolName(name: unknown): name is ToolName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(TOOLS, name);
}

/** Strict zod object for a tool's arguments: unknown keys are an error, not silently dropped. */
export function toolInputSchema<N extends ToolName>(name: N) {
  return z.strictObject(TOOLS[name].input);
}

export function toolOutputSchema<N extends ToolName>(name: N) {
  return z.object(TOOLS[name].output);
}

export type ToolInput<N extends ToolName> = z.input<z.ZodObject<(typeof TOOLS)[N]['input']>>;
export type ToolArgs<N extends ToolName> = z.output<z.ZodObject<(typeof TOOLS)[N]['input']>>;
export type ToolOutput<N extends ToolName> = z.output<z.ZodObject<(typeof TOOLS)[N]['output']>>;
