import { z } from 'zod';
import { CHANNELS, INQUIRY_STATES } from '../contracts/names';
import { email, idParam, optionalText, pageLimit, text } from '../core/http/schemas';

/** Bodies and queries of the register's staff API: departments, cases, contacts, inquiries. */

const hhmmSpan = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM-HH:MM');
export const openingHours = z
  .object({
    timezone: z.string().max(64).default('Europe/Oslo'),
    // Partial: a day left out is a closed day (zod 4's record over an enum would demand all seven).
    weekly: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), z.array(hhmmSpan).max(6)),
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/))
      .max(366)
      .default([]),
  })
  .strict();

export const departmentCodeParam = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, - or _');

export const departmentBody = z
  .object({
    code: departmentCodeParam,
    name: text(191),
    menuDigit: z.number().int().min(1).max(8).nullable().optional(),
    email: email.optional(),
    openingHours: openingHours.nullable().optional(),
    /** The numbers the department owns: SMS to them reach it, and its sends go out from them (the first by default). */
    smsNumbers: z
      .array(
        z
          .string()
          .trim()
          .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +4759440004'),
      )
      .max(20)
      .refine((xs) => new Set(xs).size === xs.length, 'a number may appear once')
      .optional(),
  })
  .strict();

/** PATCH /api/departments/:code: any of the fields of a new department but its code; `email: null` removes the address. */
export const departmentPatch = departmentBody
  .omit({ code: true, email: true })
  .extend({ email: email.nullable().optional() })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one field to change' });

export const caseNumberParam = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}/._-]+$/u, 'may hold letters, digits, / . _ -');

export const caseBody = z
  .object({
    title: text(255),
    status: text(64),
    statusSpoken: z.string().trim().max(2000).nullable().optional(),
    department: text(64),
    caseworkerEmail: email.nullable().optional(),
    category: z.string().trim().max(64).nullable().optional(),
    open: z.boolean().optional(),
    contacts: z
      .array(z.object({ name: optionalText(191), phone: z.string().trim().max(40).optional(), email: email.optional(), role: optionalText(64) }).strict())
      .max(100)
      .default([]),
  })
  .strict();

export const contactQuery = z
  .object({ phone: z.string().trim().min(1).max(40).optional(), email: email.optional() })
  .strict()
  .refine((q) => Boolean(q.phone) !== Boolean(q.email), { message: 'give exactly one of phone or email' });

export const inquiryListQuery = z
  .object({
    channel: z.enum(CHANNELS).optional(),
    status: z.enum(INQUIRY_STATES).optional().describe('the filter by state (the contract name)'),
    state: z.enum(INQUIRY_STATES).optional().describe('alias of status, kept for older callers'),
    department: z.string().trim().max(64).optional(),
    contact: idParam.optional(),
    case: caseNumberParam.optional(),
    assignee: z.union([z.enum(['me', 'none']), idParam]).optional(),
    cursor: z.string().max(100).optional(),
    limit: pageLimit.optional(),
  })
  .strict()
  // One filter under two names: saying both, differently, is a mistake to hear about, not to guess at.
  .refine((q) => !q.status || !q.state || q.status === q.state, { message: 'status and state name the same filter; give one', path: ['state'] });

export const timelineQuery = z
  .object({
    cursor: z.string().max(100).optional(),
    limit: pageLimit.optional(),
  })
  .strict();

export const inquiryPatch = z
  .object({
    state: z.enum(INQUIRY_STATES).optional(),
    assigneeId: idParam.nullable().optional(),
    department: z.string().trim().max(64).optional(),
    /**
     * The assignee the client saw (null: unassigned). The change is made only if that is still so;
     * otherwise 409 `already_assigned`, so one agent never silently overwrites another's work.
     */
    ifAssigneeId: idParam.nullable().optional(),
  })
  .strict()
  .refine((p) => p.state !== undefined || p.assigneeId !== undefined || p.department !== undefined, {
    message: 'give at least one of state, assigneeId, department',
  });

export const messageBody = z.object({ body: text(10_000) }).strict();
export const noteBody = z.object({ body: text(10_000) }).strict();
