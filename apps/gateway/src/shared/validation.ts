// zod failures as the one-line message and the bounded issue list that every refusal with INVALID_PAYLOAD or
// INVALID_ARGUMENTS carries, whichever layer refuses.
import type { z } from 'zod';

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ');
}

export function zodIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}
