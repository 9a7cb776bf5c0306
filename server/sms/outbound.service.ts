import type { CountryCode } from 'libphonenumber-js';
import type { ProviderSendResult, SmsProvider } from '../../channels/twilio-sms/adapter';
import { MERGE_FIELDS, mergeTemplate, segmentInfo, unknownMergeFields, type SegmentInfo } from '../../channels/twilio-sms/compose-text';
import type { ChannelSender, OutboundMessage, SendResult } from '../inbound/contract';
import type { Database } from '../core/db/database';
import {
  type Inquiry,
  type DepartmentAddress,
  type ContactRepository,
  SWITCHBOARD,
  type DepartmentRepository,
  type InquiryRepository,
  type MessageRepository,
  replaceableBy,
  type RegisterEvents,
} from '../register/module';
import type { MessageStatus } from '../contracts/names';
import type { AuditRepository } from '../core/audit.repository';
import type { StopListRepository } from './stop-list.repository';
import { actsIn, type Actor } from '../core/access';
import { AppError, badRequest, forbidden } from '../core/errors';
import { toE164 } from '../core/phone';
import type { AutomaticKind, SmsLimits } from './limits.service';

/** One request sends to at most this many numbers; the answer waits for every hand-over to the provider. */
export const MAX_RECIPIENTS = 5000;

export interface SmsOutboundDeps {
  db: Database;
  messages: MessageRepository;
  inquiries: InquiryRepository;
  contacts: ContactRepository;
  departments: DepartmentRepository;
  stopList: StopListRepository;
  audit: AuditRepository;
  provider: SmsProvider;
  /** PUBLIC_BASE_URL + /webhooks/twilio/sms/status. */
  statusCallbackUrl: string;
  defaultCountry: CountryCode;
  clock: () => Date;
  /** Records a reply's country and operator for the delivery views (a send records its own). */
  annotate?: (messageId: number, to: string) => Promise<void>;
  /** Told when the provider has accepted a message, after the write. */
  events?: RegisterEvents;
  /** Country allow-list and daily caps for automatic SMS (receipts, one-time codes). */
  limits?: Pick<SmsLimits, 'refuseAutomatic'>;
}

/** Which automatic kind a message is, from what its sender put in `meta.purpose`. */
function automaticKind(meta: Record<string, unknown> | undefined): AutomaticKind | null {
  if (meta?.purpose === 'receipt') return 'receipt';
  if (meta?.purpose === 'one-time-code') return 'code';
  return null;
}

export interface Recipient {
  phone: string;
  name?: string | null;
}

export interface SentItem {
  id: number;
  inquiryId: number;
  to: string;
  from: string;
  body: string;
  status: MessageStatus;
  externalId: string | null;
  segments: number;
  encoding: SegmentInfo['encoding'];
  error?: { code: string; message: string };
}

/**
 * Outbound SMS: which of our numbers it goes from, the STOP list, the hand-over to the provider
 * and the first status. Serves replies on inquiries (as the SMS channel's sender) and officers'
 * sends to numbers and groups.
 */
export class SmsOutboundService implements ChannelSender {
  constructor(private readonly deps: SmsOutboundDeps) {}

  /** A reply on an inquiry (InquiryService.reply has stored it as queued). */
  async send(message: OutboundMessage): Promise<SendResult> {
    const inquiry = message.inquiryId ? await this.deps.inquiries.byId(message.inquiryId) : null;
    const from = await this.replySender(inquiry, message.from);
    if (!from)
      return { externalId: null, status: 'failed', from: null, detail: { errorCode: 'no_sender', errorMessage: 'No SMS sender number is configured' } };
    if (message.messageId > 0) await this.deps.annotate?.(message.messageId, message.to);
    // Anyone on the web or the phone can make us send these, so they are where SMS pumping starts.
    const kind = automaticKind(message.meta);
    const refused = kind && (await this.deps.limits?.refuseAutomatic(kind, message.to));
    if (refused) return { externalId: null, status: 'stopped', from, detail: { ...refused } };
    return this.dispatch(message.messageId, from, message.to, message.body);
  }

  /**
   * The number a reply goes from: the department's own number the citizen wrote to, else the
   * department's (default) number, else — no sender configured — the number the citizen wrote to.
   */
  async replySender(inquiry: Inquiry | null, citizenWroteTo: string | null): Promise<string | null> {
    const numbers = (await this.deps.departments.addresses()).filter((a) => a.channel === 'sms');
    const own = inquiry ? numbers.filter((a) => a.departmentId === inquiry.departmentId) : [];
    if (citizenWroteTo && own.some((a) => a.address === citizenWroteTo)) return citizenWroteTo;
    const preferred = own.find((a) => a.isDefault) ?? own[0];
    if (preferred) return preferred.address;
    if (citizenWroteTo) return citizenWroteTo;
    return numbers.find((a) => a.isDefault)?.address ?? null;
  }

  /**
   * Hands one stored message to the provider unless the recipient stopped this sender. The
   * provider's id is written at once, so a delivery report that arrives quickly finds its message.
   */
  async dispatch(messageId: number, from: string, to: string, body: string): Promise<SendResult> {
    if (await this.deps.stopList.has(from, to)) {
      return { externalId: null, status: 'stopped', from, detail: { reason: 'stop_list', errorMessage: 'The recipient has sent STOP to this sender number' } };
    }
    // messageId 0: a one-time code, sent but by design not kept in the register; with no message
    // to report on, no delivery reports are asked for.
    const r: ProviderSendResult = await this.deps.provider.send({ from, to, body, ...(messageId > 0 ? { statusCallback: this.deps.statusCallbackUrl } : {}) });
    if (r.externalId && messageId > 0) {
      await this.deps.db.transaction((m) => this.deps.messages.update(messageId, { externalId: r.externalId, fromAddress: from }, m));
      await this.announceSent(messageId);
    }
    const detail: Record<string, unknown> = {};
    if (r.error) Object.assign(detail, { errorCode: r.error.code, errorMessage: r.error.message });
    if (r.numSegments) detail.segments = r.numSegments;
    return {
      externalId: r.externalId,
      status: r.status,
      from,
      providerStatus: r.providerStatus,
      detail,
      meta: r.numSegments ? { segments: r.numSegments } : undefined,
    };
  }

  private async announceSent(messageId: number): Promise<void> {
    if (!this.deps.events) return;
    const message = await this.deps.messages.byId(messageId);
    const inquiry = message && (await this.deps.inquiries.byId(message.inquiryId));
    if (message && inquiry) this.deps.events.emit('message:sent', { inquiry, message, channel: 'sms' });
  }

  /** Segments and encoding of a text, per recipient when a name is merged in. */
  preview(body: string, to: Recipient[] = []) {
    this.assertTemplate(body);
    const merged = to.length
      ? to.slice(0, 100).map((r) => ({ to: r.phone, body: mergeTemplate(body, { name: r.name }) }))
      : [{ to: null, body: mergeTemplate(body, { name: '' }) }];
    const items = merged.map((x) => ({ ...x, ...segmentInfo(x.body) }));
    return {
      ...segmentInfo(body),
      totalSegments: items.reduce((n, x) => n + x.segments, 0),
      recipients: to.length,
      items,
    };
  }

  /** The sender numbers an actor may send from: their departments' numbers and the default one. */
  async sendersFor(actor: Actor): Promise<{ number: string; department: string; isDefault: boolean }[]> {
    const [numbers, departments] = await Promise.all([this.deps.departments.addresses(), this.deps.departments.list()]);
    return numbers
      .filter((a) => a.channel === 'sms' && (a.isDefault || actsIn(actor, a.departmentId)))
      .map((a) => ({ number: a.address, department: departments.find((x) => x.id === a.departmentId)?.code ?? '', isDefault: a.isDefault }));
  }

  /**
   * Hands one claimed message to the provider and stores the outcome; an unreachable provider
   * leaves the message failed with the reason, never lost.
   */
  async handOver(messageId: number, from: string, to: string, body: string): Promise<{ status: MessageStatus; result: SendResult }> {
    const result = await this.dispatch(messageId, from, to, body).catch((e: Error): SendResult => ({
      externalId: null,
      status: 'failed',
      from,
      detail: { errorCode: 'provider_unreachable', errorMessage: (e.message ?? 'send failed').slice(0, 500) },
    }));
    return { status: await this.recordResult(messageId, result), result };
  }

  /** Stores the hand-over's outcome as the next status and history event; a faster report is not undone. */
  async recordResult(messageId: number, result: SendResult): Promise<MessageStatus> {
    return this.deps.db.transaction(async (m) => {
      if (result.externalId || result.from)
        await this.deps.messages.update(
          messageId,
          {
            ...(result.externalId ? { externalId: result.externalId } : {}),
            ...(result.from ? { fromAddress: result.from } : {}),
            ...(result.meta ? { meta: result.meta } : {}),
          },
          m,
        );
      const moved = await this.deps.messages.advanceStatus(messageId, result.status, replaceableBy(result.status), m);
      await this.deps.messages.addEvent(
        {
          messageId,
          status: result.status,
          providerStatus: result.providerStatus ?? null,
          at: this.deps.clock(),
          detail: result.detail && Object.keys(result.detail).length ? result.detail : null,
        },
        m,
      );
      return moved ? result.status : ((await this.deps.messages.byId(messageId, m))?.status ?? result.status);
    });
  }

  /** An automatic answer on an inquiry (HELP), stored on its timeline and sent like a reply. */
  async answerOnInquiry(inquiryId: number, to: string, from: string, body: string): Promise<void> {
    const now = this.deps.clock();
    const { message } = await this.deps.db.transaction(async (m) => {
      const r = await this.deps.messages.insertOnce(
        {
          inquiryId,
          channel: 'sms',
          direction: 'out',
          kind: 'message',
          body,
          bodyHtml: null,
          subject: null,
          fromAddress: from,
          toAddress: to,
          externalId: null,
          status: 'queued',
          meta: { automatic: 'help' },
          authorId: null,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      await this.deps.messages.addEvent({ messageId: r.message.id, status: 'queued', providerStatus: null, at: now, detail: null }, m);
      return r;
    });
    await this.deps.annotate?.(message.id, to);
    await this.handOver(message.id, from, to, body);
  }

  assertTemplate(body: string, fields: readonly string[] = MERGE_FIELDS) {
    const unknown = unknownMergeFields(body, fields);
    if (unknown.length)
      throw badRequest(`Unknown merge field ${unknown.map((f) => `{{${f}}}`).join(', ')}; use ${fields.map((f) => `{{${f}}}`).join(', ')}`, [
        { path: ['body'], message: 'unknown merge field' },
      ]);
  }

  /** Numbers in E.164, each once; an invalid one refuses the whole send so nobody gets half an alert. */
  normalise(to: Recipient[]): { phone: string; name: string | null }[] {
    const seen = new Map<string, { phone: string; name: string | null }>();
    const bad: string[] = [];
    to.forEach((r, i) => {
      const phone = toE164(r.phone, this.deps.defaultCountry);
      if (!phone) bad.push(String(i));
      else if (!seen.has(phone)) seen.set(phone, { phone, name: r.name?.trim() || null });
    });
    if (bad.length)
      throw badRequest(
        'Some recipients are not valid phone numbers',
        bad.slice(0, 20).map((i) => ({ path: ['to', Number(i)], message: 'not a valid phone number' })),
      );
    return [...seen.values()];
  }

  /** The sender an actor asked for (if they may use it), else their department's, else the default. */
  async senderFor(actor: Actor, requested?: string): Promise<DepartmentAddress> {
    const numbers = (await this.deps.departments.addresses()).filter((a) => a.channel === 'sms');
    const allowed = (a: DepartmentAddress) => a.isDefault || actsIn(actor, a.departmentId);
    if (requested) {
      const wanted = toE164(requested, this.deps.defaultCountry) ?? requested;
      const hit = numbers.find((a) => a.address === wanted);
      if (!hit) throw badRequest(`${requested} is not one of our sender numbers`, [{ path: ['from'], message: 'unknown sender number' }]);
      if (!allowed(hit)) throw forbidden('This sender number belongs to another department');
      return hit;
    }
    const own = numbers.filter((a) => actor.departmentIds.includes(a.departmentId));
    const chosen = own.find((a) => a.isDefault) ?? own[0] ?? numbers.find((a) => a.isDefault);
    if (chosen) return chosen;
    const switchboard = await this.deps.departments.byCode(SWITCHBOARD);
    throw new AppError(409, 'no_sender', `No SMS sender number is configured${switchboard ? '; add one to a department' : ''}`);
  }
}
