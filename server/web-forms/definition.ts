import { z } from 'zod';

/*
 * A public web form as data: what an administrator posts to POST /api/forms and what the public
 * pages render. Every text exists in Norwegian (nb) and English (en).
 */

export const LANGS = ['nb', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const text = (max: number) => z.string().trim().min(1).max(max);
const bilingual = (max: number) => z.object({ nb: text(max), en: text(max) }).strict();

export const FIELD_TYPES = ['text', 'textarea', 'email', 'tel', 'select', 'checkbox', 'date', 'file'] as const;

export const fieldSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _ (start with a letter)'),
    type: z.enum(FIELD_TYPES),
    label: bilingual(200),
    help: bilingual(500).optional(),
    required: z.boolean().default(false),
    /** Longest accepted answer in characters (text kinds). */
    maxLength: z.number().int().min(1).max(10_000).optional(),
    /** What the answer says about the citizen: used to create or match the contact and send the receipt. */
    purpose: z.enum(['name', 'email', 'phone']).optional(),
    options: z
      .array(z.object({ value: z.string().regex(/^[\w-]{1,64}$/), label: bilingual(200) }).strict())
      .min(1)
      .max(100)
      .optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'select' && !f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field needs options' });
    if (f.type !== 'select' && f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a select field has options' });
    if (f.purpose === 'email' && f.type !== 'email') ctx.addIssue({ code: 'custom', path: ['purpose'], message: 'purpose email needs type email' });
    if (f.purpose === 'phone' && f.type !== 'tel') ctx.addIssue({ code: 'custom', path: ['purpose'], message: 'purpose phone needs type tel' });
    if (f.purpose === 'name' && f.type !== 'text') ctx.addIssue({ code: 'custom', path: ['purpose'], message: 'purpose name needs type text' });
  });
export type FormField = z.infer<typeof fieldSchema>;

/** Names the public pages use themselves; a field may not take them. */
export const RESERVED_NAMES = ['website', 'lang', 'sid'];

export const formBody = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and -'),
    department: text(64),
    title: bilingual(200),
    intro: bilingual(2000).optional(),
    fields: z.array(fieldSchema).min(1).max(40),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.fields.forEach((field, i) => {
      if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: 'is used twice' });
      if (RESERVED_NAMES.includes(field.name)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: 'is reserved' });
      seen.add(field.name);
    });
    for (const purpose of ['name', 'email', 'phone'] as const) {
      if (f.fields.filter((x) => x.purpose === purpose).length > 1)
        ctx.addIssue({ code: 'custom', path: ['fields'], message: `only one field may have purpose ${purpose}` });
    }
    if (f.fields.filter((x) => x.type === 'file').length > 5) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'at most 5 file fields' });
  });
export type FormInput = z.input<typeof formBody>;
export type FormDefinition = Omit<z.infer<typeof formBody>, 'slug' | 'department' | 'active'>;

/** The stored definition, re-checked on the way out of the database so a bad row cannot reach a page. */
export const storedDefinition = z.object({ title: bilingual(200), intro: bilingual(2000).optional(), fields: z.array(fieldSchema).min(1).max(40) }).strict();

export const maxLengthOf = (f: FormField) => f.maxLength ?? (f.type === 'textarea' ? 5000 : 200);
