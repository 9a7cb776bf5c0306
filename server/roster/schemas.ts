import { z } from 'zod';
import { PERSON_KINDS } from './entities';

/*
 * What the administrative system sends and staff ask for, checked at the edge. Sizes are bounded
 * before any pattern runs. Numbers are made E.164 by the service (core/phone), which knows the
 * default country.
 */

const day = z
  .string()
  .trim()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-08-17')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
export const externalIdParam = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'letters, digits and . _ : @ - only');
export const unitCode = z.string().trim().min(1).max(64);
const phone = z.string().trim().min(3).max(40);
const name = z.string().trim().min(1).max(200);
export const groupName = z.string().trim().min(1).max(100);

export const personBody = z
  .object({
    name,
    phone,
    kind: z.enum(PERSON_KINDS),
    unit: unitCode,
    groups: z.array(groupName).max(50).optional(),
    startDate: day.nullable().optional(),
    endDate: day.nullable().optional(),
    guardians: z.array(z.object({ name, phone }).strict()).max(10).optional(),
    /** Which welcome text the person gets (the unit's texts are per language); default the unit's first. */
    language: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}$/, 'a language code such as nb or en')
      .optional(),
  })
  .strict()
  .refine((p) => !p.startDate || !p.endDate || p.startDate <= p.endDate, { message: 'endDate is before startDate', path: ['endDate'] });
export type PersonBody = z.infer<typeof personBody>;

/** `audience.roster` (MISSION.md): people, groups, kinds or everyone of a unit; guardians instead of or beside them. */
export const rosterAudience = z
  .object({
    unit: unitCode.optional(),
    people: z.array(externalIdParam).max(5000).optional(),
    groups: z.array(groupName).max(200).optional(),
    kinds: z.array(z.enum(PERSON_KINDS)).max(2).optional(),
    /** true: the people and their guardians; "only": their guardians alone; false or absent: the people. */
    guardians: z.union([z.boolean(), z.literal('only')]).optional(),
    everyone: z.literal(true).optional(),
  })
  .strict()
  .refine((a) => a.everyone === true || (a.people?.length ?? 0) + (a.groups?.length ?? 0) + (a.kinds?.length ?? 0) > 0, {
    message: 'name people, groups, kinds or everyone',
    path: ['everyone'],
  });
export type RosterAudienceSpec = z.infer<typeof rosterAudience>;

export const welcomeBody = z
  .object({
    account: z.string().trim().min(1).max(100),
    temporaryPassword: z.string().min(4).max(128),
  })
  .strict();

const keyword = z
  .string()
  .trim()
  .min(2)
  .max(20)
  .regex(/^[\p{L}\p{N}]+$/u, 'one word of letters and digits');
export const passwordResetBody = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(500),
    token: z.string().min(8).max(500),
    keywords: z.array(keyword).min(1).max(20).optional(),
  })
  .strict();

const text = z.string().trim().min(1).max(600);
export const unitTextsBody = z.object({ welcome: z.record(z.string().regex(/^[a-z]{2,3}$/, 'a language code'), text).optional() }).strict();

export const peopleQuery = z
  .object({
    unit: unitCode.optional(),
    group: groupName.optional(),
    kind: z.enum(PERSON_KINDS).optional(),
    q: z.string().trim().max(100).optional(),
    ended: z.enum(['true', 'false']).optional(),
    cursor: z
      .string()
      .regex(/^\d{1,12}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export const emergencyBody = z
  .object({
    unit: unitCode.optional(),
    body: z.string().min(1).max(1600),
    /** Asks recipients to answer (e.g. "Svar OK hvis du er i sikkerhet"); answers are counted per send. */
    askReply: z.boolean().optional(),
    guardians: z.union([z.boolean(), z.literal('only')]).optional(),
    from: z.string().trim().min(3).max(40).optional(),
  })
  .strict();
