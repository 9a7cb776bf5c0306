import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  checkAttachmentFile,
  MessageEntity,
  type AttachmentPolicy,
  type AttachmentRepository,
  type AutomaticMessages,
  type DepartmentRepository,
} from '../register/module';
import { fitsColumn } from '../core/db/columns';
import { assertAdmin, type Actor } from '../core/access';
import { badRequest, notFound } from '../core/errors';
import type { InboundService } from '../inbound/module';
import type { WebFormRepository } from './forms.repository';
import type { ChannelSender } from '../inbound/contract';
import { inertText } from '../../channels/sanitise';
import { inquiryTag } from '../../channels/mail-format/case-tag';
import { texts } from '../core/texts';
import { storedDefinition, type formBody, type FormDefinition, type Lang } from './definition';
import { submissionText, validateSubmission, type FieldErrors, type UploadedFile } from './submission';
import type { z } from 'zod';

export interface LoadedForm {
  id: number;
  slug: string;
  departmentCode: string;
  active: boolean;
  def: FormDefinition;
}

export type SubmitResult =
  | { kind: 'invalid'; errors: FieldErrors; values: Record<string, string> }
  | { kind: 'recorded'; reference: number; receipt: boolean; duplicate: boolean; refused: string[] };

export interface WebFormDeps {
  forms: WebFormRepository;
  departments: DepartmentRepository;
  inbound: InboundService;
  attachments: AttachmentRepository;
  attachmentPolicy: Pick<AttachmentPolicy, 'allowed'>;
  automatic: AutomaticMessages;
  /** The sender of another channel, looked up when needed (the SMS channel may not exist). */
  /** The channels a receipt can go out on: e-mail to an address, SMS to a number. */
  senders: { email?: ChannelSender; sms?: ChannelSender };
  maxFileBytes: number;
  logger: Logger;
  clock: () => Date;
}

/** The browser's word for the type, kept only as information on a refused file. */
const claimedType = (t: string) => (/^[\w.+-]{1,60}\/[\w.+-]{1,60}$/.test(t) ? t.toLowerCase() : 'application/octet-stream');

export const newSid = () => randomBytes(18).toString('base64url');
/** A submitted file after its check: content to store, or the reason it was refused. */
interface CheckedFile {
  ordinal: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
  reason: string | null;
  /** The upload's temporary file, streamed into the chunked store; null for a refused file. */
  content: { path: string } | null;
}

const SID = /^[A-Za-z0-9_-]{16,64}$/;

/** Forms as data (admin) and citizens' submissions into the register (through InboundService). */
export class WebFormService {
  constructor(private readonly deps: WebFormDeps) {}

  async create(actor: Actor, body: z.infer<typeof formBody>) {
    assertAdmin(actor);
    const department = await this.deps.departments.byCode(body.department);
    if (!department) throw badRequest(`Unknown department "${body.department}"`, [{ path: ['department'], message: 'unknown department' }]);
    const def: FormDefinition = { title: body.title, ...(body.intro ? { intro: body.intro } : {}), fields: body.fields };
    const row = await this.deps.forms.create({ slug: body.slug, departmentId: department.id, definition: def, active: body.active, createdBy: actor.id });
    return this.view(row.id, row.slug, department.code, row.active, def);
  }

  async list(actor: Actor) {
    assertAdmin(actor);
    const rows = await this.deps.forms.list();
    const out = [];
    for (const r of rows) {
      const f = await this.load(r.slug, true);
      if (f) out.push(this.view(f.id, f.slug, f.departmentCode, f.active, f.def));
    }
    return out;
  }

  private view(id: number, slug: string, department: string, active: boolean, def: FormDefinition) {
    return { id, slug, department, active, url: `/public/forms/${slug}`, ...def };
  }

  /** An active form ready to render; a stored definition that no longer validates is treated as absent. */
  async load(slug: string, includeInactive = false): Promise<LoadedForm | null> {
    const row = await this.deps.forms.bySlug(slug);
    if (!row || (!row.active && !includeInactive)) return null;
    const def = storedDefinition.safeParse(row.definition);
    const department = await this.deps.departments.byId(row.departmentId);
    if (!def.success || !department) {
      this.deps.logger.error({ form: row.id }, 'stored web form definition is invalid');
      return null;
    }
    return { id: row.id, slug: row.slug, departmentCode: department.code, active: row.active, def: def.data };
  }

  async submit(slug: string, lang: Lang, raw: Record<string, string>, files: UploadedFile[]): Promise<SubmitResult> {
    const form = await this.load(slug);
    if (!form) throw notFound('Form');
    const checked = validateSubmission(form.def, raw, files, lang, { maxFileBytes: this.deps.maxFileBytes });
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors, values: checked.values };
    const { values } = checked.value;
    const by = (purpose: string) => {
      const f = form.def.fields.find((x) => x.purpose === purpose);
      return f ? values[f.name] || undefined : undefined;
    };
    const email = by('email')?.toLowerCase();
    const phone = by('phone');
    const name = by('name');
    const sid = SID.test(raw.sid ?? '') ? raw.sid : newSid();
    const now = this.deps.clock();
    // Checked before anything is written, so a refused type is known before the message is.
    const checkedFiles = await this.checkFiles(checked.value.files, now);

    const result = await this.deps.inbound.record({
      channel: 'web',
      externalId: `form:${form.slug}:${sid}`,
      from: { ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(name ? { name: inertText(name) } : {}) },
      to: null,
      kind: 'form',
      body: submissionText(form.def, checked.value),
      subject: inertText(form.def.title.nb),
      receivedAt: now,
      departmentCode: form.departmentCode,
      meta: { form: form.slug, lang },
    });
    // Files are stored after the message, chunk by chunk (any size fits), each once per position.
    // Should that fail, the citizen is told to try again, and the retry (same sid, so the same
    // message) completes the files; its receipt goes only once the submission is whole.
    const earlier = result.duplicate ? await this.deps.attachments.attachmentsOf(result.message.id) : [];
    const wasWhole = earlier.filter((a) => a.status !== 'storing').length >= checkedFiles.length;
    await this.storeFiles(result.message.id, checkedFiles);
    for (const r of checkedFiles)
      if (r.reason !== null) this.deps.logger.warn({ messageId: result.message.id, ordinal: r.ordinal, reason: r.reason }, 'attachment refused');
    const completedNow = !result.duplicate || !wasWhole;
    let receipt = false;
    if (completedNow) receipt = await this.sendReceipt(result.inquiry, form, lang, email, phone);
    const refused = completedNow ? checkedFiles.filter((r) => r.reason !== null).map((r) => r.filename) : [];
    return { kind: 'recorded', reference: result.inquiry.id, receipt, duplicate: !completedNow, refused };
  }

  /**
   * Each file checked by name and content against the allowed types: to be stored, or recorded as
   * refused with the reason and no content, so the agent sees what was sent and why it is not there.
   */
  private async checkFiles(files: UploadedFile[], now: Date): Promise<CheckedFile[]> {
    if (!files.length) return [];
    const allowed = await this.deps.attachmentPolicy.allowed();
    const checked: CheckedFile[] = [];
    for (const [ordinal, f] of files.entries()) {
      if (f.path === null) throw new Error('an upload past the size limit reached the type check');
      const verdict = await checkAttachmentFile({ filename: inertText(f.filename), path: f.path }, allowed);
      const base = { ordinal, filename: verdict.filename, size: f.size, sha256: f.sha256, createdAt: now };
      checked.push(
        verdict.ok
          ? { ...base, contentType: verdict.contentType, reason: null, content: { path: f.path } }
          : { ...base, contentType: claimedType(f.contentType), reason: verdict.reason, content: null },
      );
    }
    return checked;
  }

  /** Stores (or records as refused) each file once per position; a repeated submission completes what an earlier one did not. */
  private async storeFiles(messageId: number, files: CheckedFile[]): Promise<void> {
    for (const { content, reason, size, sha256, ...input } of files) {
      if (content && reason === null) await this.deps.attachments.store({ ...input, messageId, content });
      else await this.deps.attachments.refuse({ ...input, messageId, size, sha256, reason: reason ?? 'refused' });
    }
  }

  /** By e-mail when the citizen gave an address; else by SMS when there is a number and an SMS channel. */
  private async sendReceipt(
    inquiry: Parameters<AutomaticMessages['send']>[0]['inquiry'],
    form: LoadedForm,
    lang: Lang,
    email?: string,
    phone?: string,
  ): Promise<boolean> {
    const title = form.def.title[lang];
    const t = texts(lang);
    const mailer = this.deps.senders.email;
    // An address too long to store was left out of the register (inbound/bounds.ts): no receipt goes to it.
    if (email && mailer && fitsColumn(MessageEntity, 'toAddress', email)) {
      const body = `${t.formReceiptReceived(title, inquiry.id)}\n${t.replyToAdd}\n\n${t.automaticMessage}`;
      const subject = t.formReceiptSubject(title, inquiryTag(inquiry.id)).slice(0, 255);
      const m = await this.deps.automatic.send({ inquiry, channel: 'email', sender: mailer, to: email, from: null, subject, body, purpose: 'receipt' });
      return m.status !== 'failed';
    }
    const sms = this.deps.senders.sms;
    if (phone && sms && inquiry.citizenAddress?.startsWith('+')) {
      const body = t.smsReceipt(inquiry.id);
      const m = await this.deps.automatic.send({
        inquiry,
        channel: 'sms',
        sender: sms,
        to: inquiry.citizenAddress,
        from: null,
        subject: null,
        body,
        purpose: 'receipt',
      });
      // Stopped: outside the country allow-list or over the daily cap, recorded with the reason on the message.
      return m.status !== 'failed' && m.status !== 'stopped';
    }
    this.deps.logger.info(
      { inquiryId: inquiry.id, form: form.slug },
      phone ? 'no SMS channel: web form receipt not sent' : 'no address: web form receipt not sent',
    );
    return false;
  }
}
