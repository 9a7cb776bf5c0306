import { z } from 'zod';
import { inertText } from '../../channels/sanitise';
import { maxLengthOf, type FormDefinition, type FormField, type Lang } from './definition';
import { t } from './i18n';

/** A file part of a submission, streamed to a temporary file that lives as long as its request. */
export interface UploadedFile {
  field: string;
  /** As the browser sent it; cleaned and checked when stored. */
  filename: string;
  /** As the browser claimed it; the stored type is the one its content shows. */
  contentType: string;
  size: number;
  sha256: string;
  /** The upload went past the size limit and was dropped. */
  tooLarge: boolean;
  /** The temporary file holding it (none for a file past the limit); checked and stored from there, never read whole. */
  path: string | null;
}

export type FieldErrors = Record<string, string>;

const PHONE = /^\+?[0-9 ().-]{5,20}$/;

/** What is wrong with one answer, in the reader's language, or null. */
function problemWith(f: FormField, v: string, lang: Lang): string | null {
  const msg = t(lang);
  if (v === '') return f.required ? msg.required : null;
  const max = maxLengthOf(f);
  if (v.length > max) return msg.tooLong(max);
  switch (f.type) {
    case 'email':
      return z.email().safeParse(v).success ? null : msg.invalidEmail;
    case 'tel':
      return PHONE.test(v) ? null : msg.invalidPhone;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? null : msg.invalidDate;
    case 'select':
      return f.options!.some((o) => o.value === v) ? null : msg.invalidChoice;
    case 'checkbox':
      return v === 'on' || v === 'yes' ? null : msg.invalidChoice;
    default:
      return null;
  }
}

/** One field's zod schema: trimmed text, then the field's own rule. */
const fieldSchema = (f: FormField, lang: Lang) =>
  z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = problemWith(f, v, lang);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export interface ValidSubmission {
  values: Record<string, string>;
  files: UploadedFile[];
}

/**
 * Checks a submission against its form: every field through its zod schema, files against the
 * size limit. Returns the cleaned values, or an error per field in the reader's language.
 */
export function validateSubmission(
  def: FormDefinition,
  raw: Record<string, string>,
  files: UploadedFile[],
  lang: Lang,
  limits: { maxFileBytes: number },
): { ok: true; value: ValidSubmission } | { ok: false; errors: FieldErrors; values: Record<string, string> } {
  const msg = t(lang);
  const errors: FieldErrors = {};
  const values: Record<string, string> = {};
  for (const f of def.fields) {
    if (f.type === 'file') continue;
    const r = fieldSchema(f, lang).safeParse(raw[f.name] ?? '');
    values[f.name] = (raw[f.name] ?? '').slice(0, maxLengthOf(f) + 100);
    if (r.success) values[f.name] = r.data;
    else errors[f.name] = r.error.issues[0].message;
  }
  const kept: UploadedFile[] = [];
  for (const f of def.fields.filter((x) => x.type === 'file')) {
    const upload = files.find((u) => u.field === f.name && u.size > 0);
    if (!upload) {
      if (f.required) errors[f.name] = msg.required;
      continue;
    }
    if (upload.tooLarge || upload.size > limits.maxFileBytes) errors[f.name] = msg.fileTooLarge(limits.maxFileBytes);
    else kept.push(upload);
  }
  return Object.keys(errors).length ? { ok: false, errors, values } : { ok: true, value: { values, files: kept } };
}

/** The submission as the register's plain-text message: one "Label: answer" line per field. */
export function submissionText(def: FormDefinition, v: ValidSubmission): string {
  const lines: string[] = [];
  for (const f of def.fields) {
    const label = f.label.nb;
    if (f.type === 'file') {
      const file = v.files.find((x) => x.field === f.name);
      if (file) lines.push(`${label}: ${inertText(file.filename)} (${file.size} bytes)`);
      continue;
    }
    const value = v.values[f.name];
    if (!value) continue;
    const shown = f.type === 'select' ? (f.options!.find((o) => o.value === value)?.label.nb ?? value) : f.type === 'checkbox' ? 'Ja' : value;
    lines.push(f.type === 'textarea' ? `${label}:\n${inertText(shown)}` : `${label}: ${inertText(shown)}`);
  }
  return lines.join('\n');
}
