// Request bodies and queries of the admin API, validated with zod (a failure is 400 INVALID_PAYLOAD with zod's
// message). Pushed events: any name of lowercase letters, digits and dashes, except Socket.IO's reserved names and
// the events the gateway itself owns (their timing and meaning belong to it); lead-created must match its schema.
import { EVENTS, LeadCreatedSchema } from '@leadlovers/protocol';
import { z } from 'zod';

const id = z.string().min(1).max(128);
/** The characters a notify target may have (notify/notifier.ts roomOf). */
const targetId = id.regex(/^[A-Za-z0-9@._:-]+$/, 'may contain only letters, digits and @ . _ : -');

export const DisconnectSchema = z.strictObject({
  userId: id,
  /** Why, for the audit log line (not sent to the client: it gets session-replaced with reason admin). */
  reason: z.string().max(200).optional(),
});

/** The same shape: revoking is a disconnect that also refuses the user's older tokens. */
export const RevokeSchema = DisconnectSchema;

export const PresenceQuerySchema = z.strictObject({ account: targetId });

/** Events the gateway emits on its own schedule: an operator may not fake them. */
export const GATEWAY_OWNED_EVENTS: readonly string[] = [
  EVENTS.promptResponse,
  EVENTS.promptProgress,
  EVENTS.error,
  EVENTS.sessionReplaced,
  EVENTS.serverDraining,
  EVENTS.presenceChanged,
  // Socket.IO's own names that fit the pattern below.
  'connect',
  'disconnect',
  'disconnecting',
];

export const NotifySchema = z
  .strictObject({
    account: targetId.optional(),
    userId: targetId.optional(),
    event: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be 1..64 lowercase letters, digits and dashes, starting with a letter')
      .refine((event) => !GATEWAY_OWNED_EVENTS.includes(event), { message: 'is sent by the gateway itself and cannot be pushed' }),
    data: z.json(),
  })
  .superRefine((body, ctx) => {
    if ((body.account === undefined) === (body.userId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['account'], message: 'give exactly one of account and userId' });
    }
    if (body.event === EVENTS.leadCreated) {
      const lead = LeadCreatedSchema.safeParse(body.data);
      if (!lead.success) for (const issue of lead.error.issues) ctx.addIssue({ ...issue, path: ['data', ...issue.path] } as never);
    }
  });

export type NotifyBody = z.output<typeof NotifySchema>;
