// LeadLovers entity shapes (PascalCase, as the public REST API returns them). Every backend of the MCP server
// answers in these shapes, so a client cannot tell the embedded store from the real API.
import { z } from 'zod';

export const LeadSchema = z.object({
  Code: z.number().int(),
  Email: z.string(),
  Name: z.string().nullable(),
  Phone: z.string().nullable(),
  Company: z.string().nullable(),
  City: z.string().nullable(),
  State: z.string().nullable(),
  Birthday: z.string().nullable(),
  Gender: z.string().nullable(),
  Score: z.number(),
  Tags: z.array(z.string()),
  MachineCode: z.number().int(),
  SequenceCode: z.number().int().nullable(),
  Level: z.number().int().nullable(),
  RegistrationDate: z.string(),
});
export type Lead = z.infer<typeof LeadSchema>;

export const MachineSchema = z.object({
  MachineCode: z.number().int(),
  MachineName: z.string(),
  MachineType: z.string(),
  Views: z.number().int(),
  Leads: z.number().int(),
});
export type Machine = z.infer<typeof MachineSchema>;

export const LevelSchema = z.object({
  Sequence: z.number().int(),
  Subject: z.string(),
});
export type Level = z.infer<typeof LevelSchema>;

export const EmailSequenceSchema = z.object({
  SequenceCode: z.number().int(),
  SequenceName: z.string(),
});
export type EmailSequence = z.infer<typeof EmailSequenceSchema>;

export const EmailSequenceWithLevelsSchema = EmailSequenceSchema.extend({
  Levels: z.array(LevelSchema),
});
export type EmailSequenceWithLevels = z.infer<typeof EmailSequenceWithLevelsSchema>;
