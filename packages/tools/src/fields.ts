// Reusable argument fields, so every tool validates an email, a code or a date the same way.
import { z } from 'zod';

export const emailField = z.string().trim().toLowerCase().max(254).pipe(z.email({ message: 'must be a valid email address' }));
export const codeField = z.number().int().positive().max(2_147_483_647);
export const nameField = z.string().trim().min(1).max(120);
export const phoneField = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{8,20}$/, 'must be a phone number of 8 to 20 digits');
export const dateField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
export const scoreField = z.number().int().min(-100_000).max(100_000);
export const tagsField = z.array(z.string().trim().min(1).max(50)).max(20);
export const genderField = z.enum(['M', 'F', 'O']);
export const pageField = z.number().int().min(1).max(10_000);
