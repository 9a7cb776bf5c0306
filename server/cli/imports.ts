import type { Writable } from 'node:stream';
import { z } from 'zod';
import type { Composed } from '../index';
import { email, optionalText } from '../core/http/schemas';
import { toE164 } from '../core/phone';
import { caseBody, caseNumberParam } from '../register/module';
import { commandLineActor } from './accounts';
import { readCsv, runImport, type CsvRow, type ImportReport, type Outcome } from './csv-import';

/*
 * Contacts and case files from CSV, as a municipality moves them over from the system before.
 * Contacts are found by phone number (any notation) or e-mail address and completed, never
 * duplicated; cases go through the same upsert as PUT /api/cases/:caseNumber, so running a file
 * twice changes nothing the second time.
 */

export interface ImportOptions {
  dryRun: boolean;
  progress?: Writable;
  /** The administrator the import is recorded as (default: the first active one). */
  as?: string;
}

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
const blankToUndefined = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));

const contactRow = z
  .object({
    name: optionalText(191),
    phone: z.string().trim().max(40).optional(),
    email: email.optional(),
    address: optionalText(191),
    postal_code: optionalText(16),
    city: optionalText(100),
  })
  .refine((r) => r.phone || r.email, { message: 'give a phone or an email' });

interface ContactValue {
  name: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
}

export function checkContact(row: CsvRow, defaultCountry: Parameters<typeof toE164>[1]): ContactValue | { reject: string } {
  const r = contactRow.safeParse(blankToUndefined(row.fields));
  if (!r.success) return { reject: issues(r.error) };
  const phone = r.data.phone ? toE164(r.data.phone, defaultCountry) : null;
  if (r.data.phone && !phone) return { reject: `phone: "${r.data.phone}" is not a phone number` };
  const d = r.data;
  return { name: d.name ?? null, phone, email: d.email ?? null, address: d.address ?? null, postalCode: d.postal_code ?? null, city: d.city ?? null };
}

export async function importContacts(server: Composed, file: string, opts: ImportOptions): Promise<ImportReport> {
  const rows = readCsv(file);
  const { contacts } = server.register;
  const checked = rows.map((row) => ({ line: row.line, value: checkContact(row, server.config.defaultCountry) }));
  return runImport(checked, {
    ...opts,
    store: (c) =>
      server.db.transaction(async (m): Promise<Outcome> => {
        const key = c.phone ? { phone: c.phone } : { email: c.email! };
        const fields = { name: c.name, address: c.address, postalCode: c.postalCode, city: c.city };
        const found = await contacts.findOrCreate(key, { ...fields, phones: c.phone ? [c.phone] : [], emails: c.email ? [c.email] : [] }, m);
        if (found.created) return 'created';
        let changed = false;
        if (c.phone && c.email) {
          const added = key.phone ? await contacts.addEmail(found.contact.id, c.email, m) : await contacts.addPhone(found.contact.id, c.phone, m);
          if (added === 'taken') throw new Error(`${key.phone ? 'email' : 'phone'} belongs to another contact`);
          changed = added === 'added';
        }
        // What the register lacks is filled in; what it has is never overwritten by an older system's copy.
        const missing = Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== null && found.contact[k as keyof typeof fields] == null));
        if (Object.keys(missing).length) await contacts.update(found.contact.id, missing, m);
        return changed || Object.keys(missing).length ? 'updated' : 'unchanged';
      }),
  });
}

const caseRow = z.object({
  case_number: caseNumberParam,
  title: z.string(),
  status: z.string(),
  status_spoken: z.string().optional(),
  department: z.string(),
  caseworker_email: z.string().optional(),
  category: z.string().optional(),
  contact_name: z.string().optional(),
  contact_phone: z.string().optional(),
  contact_email: z.string().optional(),
  contact_role: z.string().optional(),
});

/** One case per case number: its rows add parties (one contact a row), the first row gives the case's own fields. */
export function checkCases(rows: CsvRow[]): Array<{ line: number; value: { caseNumber: string; body: z.infer<typeof caseBody> } | { reject: string } }> {
  const byCase = new Map<string, { line: number; fields: z.infer<typeof caseRow>; contacts: object[] }>();
  const out: Array<{ line: number; value: { caseNumber: string; body: z.infer<typeof caseBody> } | { reject: string } }> = [];
  for (const row of rows) {
    const r = caseRow.safeParse(blankToUndefined(row.fields));
    if (!r.success) {
      out.push({ line: row.line, value: { reject: issues(r.error) } });
      continue;
    }
    const f = r.data;
    const contact = blankToUndefined({ name: f.contact_name ?? '', phone: f.contact_phone ?? '', email: f.contact_email ?? '', role: f.contact_role ?? '' });
    const seen = byCase.get(f.case_number);
    if (seen) seen.contacts.push(...(Object.keys(contact).length ? [contact] : []));
    else byCase.set(f.case_number, { line: row.line, fields: f, contacts: Object.keys(contact).length ? [contact] : [] });
  }
  for (const [caseNumber, c] of byCase) {
    const f = c.fields;
    const body = caseBody.safeParse({
      title: f.title,
      status: f.status,
      statusSpoken: f.status_spoken,
      department: f.department,
      caseworkerEmail: f.caseworker_email,
      category: f.category,
      contacts: c.contacts,
    });
    out.push({ line: c.line, value: body.success ? { caseNumber, body: body.data } : { reject: issues(body.error) } });
  }
  return out.sort((a, b) => a.line - b.line);
}

export async function importCases(server: Composed, file: string, opts: ImportOptions): Promise<ImportReport> {
  const actor = await commandLineActor(server, opts.as);
  const checked = checkCases(readCsv(file));
  // A dry run also finds departments that do not exist, the refusal a real run would meet.
  for (const row of checked) {
    const v = row.value;
    if ('body' in v && !(await server.register.departments.byCode(v.body.department)))
      row.value = { reject: `department: no department "${v.body.department}"` };
  }
  return runImport(checked, {
    ...opts,
    store: async ({ caseNumber, body }) => {
      const r = await server.register.caseService.upsert(caseNumber, body, actor, 'cli import-cases');
      return r.created ? 'created' : r.changed ? 'updated' : 'unchanged';
    },
  });
}
