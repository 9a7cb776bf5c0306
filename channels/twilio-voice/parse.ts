import { z } from 'zod';

/*
 * Twilio's voice webhook forms, as far as we read them. Unknown fields pass (Twilio adds fields
 * over time); the ones we use must be well-formed or the request is refused with 400.
 */
const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'not a CallSid');
const party = z.string().max(128).optional();

export const callForm = z
  .object({
    CallSid: callSid,
    AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'not an AccountSid'),
    From: party,
    To: party,
    CallStatus: z.string().max(32).optional(),
  })
  .loose();
export type CallForm = z.infer<typeof callForm>;

export const gatherForm = callForm.extend({
  Digits: z
    .string()
    .max(40)
    .regex(/^[0-9*#]*$/, 'only keypad digits')
    .optional(),
});

export const dialForm = callForm.extend({ DialCallStatus: z.string().max(32).optional() });

/** The CallStatus values after which the call is over. */
export const TERMINAL_STATUSES: readonly string[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
export const statusForm = callForm.extend({
  CallStatus: z.string().max(32),
  CallDuration: z.coerce.number().int().min(0).max(864_000).optional(),
  Timestamp: z.string().max(64).optional(),
});
export type StatusForm = z.infer<typeof statusForm>;
