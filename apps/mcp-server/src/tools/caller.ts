// Reads who is calling from a tools/call request's _meta: the gateway puts {account, userId, requestId} under
// CALLER_META_KEY. A call without a valid caller is refused (FORBIDDEN): no account, no data.
import { CALLER_META_KEY, type CallerMeta } from '@leadlovers/tools';
import { z } from 'zod';

// LeadLovers account ids are numeric in some tokens; both forms name the same account.
const identifier = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1).max(128));

const callerSchema = z.object({
  account: identifier,
  userId: identifier,
  requestId: z.string().max(128).optional(),
});

export function readCaller(meta: Record<string, unknown> | undefined): CallerMeta | undefined {
  const parsed = callerSchema.safeParse(meta?.[CALLER_META_KEY]);
  return parsed.success ? parsed.data : undefined;
}

export const MISSING_CALLER_MESSAGE = `This call carries no caller identity: tools/call needs _meta["${CALLER_META_KEY}"] = { account, userId }`;
