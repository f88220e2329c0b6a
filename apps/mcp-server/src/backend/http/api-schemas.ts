// Shapes of the LeadLovers REST answers the backend reads, and their mapping onto the tool entity shapes. Lenient
// on purpose: unknown fields pass, missing optional ones become null (or 0/''), alternative spellings seen in the
// API are accepted; what the tools cannot do without (a lead's Email, a machine's code) is required, so a changed
// API fails as BACKEND_ERROR instead of answering garbage.
import type { EmailSequence, Lead, Level, Machine } from '@leadlovers/tools';
import { z } from 'zod';

const optionalText = z.string().nullish();
const optionalInt = z.coerce.number().int().nullish();
// Tags come as names, or as objects with a Title (or Name).
const tagItem = z.union([
  z.string(),
  z.looseObject({ Title: z.string() }).transform((tag) => tag.Title),
  z.looseObject({ Name: z.string() }).transform((tag) => tag.Name),
]);

export const apiLeadSchema = z.looseObject({
  Code: optionalInt,
  Email: z.string(),
  Name: optionalText,
  Phone: optionalText,
  Company: optionalText,
  City: optionalText,
  State: optionalText,
  Birthday: optionalText,
  Gender: optionalText,
  Score: z.coerce.number().nullish(),
  Tags: z.array(tagItem).nullish(),
  MachineCode: optionalInt,
  SequenceCode: optionalInt,
  EmailSequenceCode: optionalInt,
  Level: optionalInt,
  SequenceLevelCode: optionalInt,
  RegistrationDate: optionalText,
  CreatedAt: optionalText,
});
export type ApiLead = z.output<typeof apiLeadSchema>;

/** GET /Leads */
export const leadsPageSchema = z.looseObject({
  Data: z.array(apiLeadSchema),
  Links: z.looseObject({ Next: z.string().nullish() }).nullish(),
});

/** GET /Lead?email= : the lead itself, or wrapped in Data. */
export const leadByEmailSchema = z.union([
  z.looseObject({ Data: z.union([apiLeadSchema, z.array(apiLeadSchema)]) }),
  apiLeadSchema,
]);

export const apiMachineSchema = z.looseObject({
  MachineCode: z.coerce.number().int(),
  MachineName: z.string(),
  MachineType: optionalText,
  Views: optionalInt,
  Leads: optionalInt,
});

/** GET /Machines */
export const machinesPageSchema = z.looseObject({
  Items: z.array(apiMachineSchema),
  CurrentPage: optionalInt,
  Registers: optionalInt,
  TotalRegisters: optionalInt,
});

const apiSequenceSchema = z.looseObject({ SequenceCode: z.coerce.number().int(), SequenceName: z.string() });
/** GET /EmailSequences?machineCode= */
export const sequencesSchema = z.looseObject({ Items: z.array(apiSequenceSchema) });

const apiLevelSchema = z.looseObject({
  Sequence: z.coerce.number().int(),
  Subject: z.string().nullish(),
});
/** GET /Levels?machineCode=&sequenceCode= */
export const levelsSchema = z.looseObject({ Items: z.array(apiLevelSchema) });

/** Answers of writes (POST/PATCH/DELETE): whatever they say beyond "no error" is not needed. */
export const anyAnswerSchema = z.unknown();

export function toLead(api: ApiLead): Lead {
  return {
    // The API has no code for a lead it has only queued; 0 means "not known".
    Code: api.Code ?? 0,
    Email: api.Email,
    Name: api.Name ?? null,
    Phone: api.Phone ?? null,
    Company: api.Company ?? null,
    City: api.City ?? null,
    State: api.State ?? null,
    Birthday: api.Birthday ? api.Birthday.slice(0, 10) : null,
    Gender: api.Gender ?? null,
    Score: api.Score ?? 0,
    Tags: api.Tags ?? [],
    // 0 when the API does not say which machine (the lead shape has no null machine).
    MachineCode: api.MachineCode ?? 0,
    SequenceCode: api.SequenceCode ?? api.EmailSequenceCode ?? null,
    Level: api.Level ?? api.SequenceLevelCode ?? null,
    RegistrationDate: api.RegistrationDate ?? api.CreatedAt ?? '',
  };
}

export function toMachine(api: z.output<typeof apiMachineSchema>): Machine {
  return {
    MachineCode: api.MachineCode,
    MachineName: api.MachineName,
    MachineType: api.MachineType ?? '',
    Views: api.Views ?? 0,
    Leads: api.Leads ?? 0,
  };
}

export function toSequence(api: z.output<typeof apiSequenceSchema>): EmailSequence {
  return { SequenceCode: api.SequenceCode, SequenceName: api.SequenceName };
}

export function toLevel(api: z.output<typeof apiLevelSchema>): Level {
  return { Sequence: api.Sequence, Subject: api.Subject ?? '' };
}
