import { decodeCursor, encodeCursor } from '../core/http/cursors';
import type { ChannelSender } from '../inbound/contract';
import type { Database } from '../core/db/database';
import type { Inquiry, Message } from './entities';
import type { Channel, InquiryState } from '../contracts/names';
import type { InquiryDetailView, InquiryView, MessageDetailView, Page, TimelineItemView } from '../contracts/views';
import type { AuditRepository } from '../core/audit.repository';
import type { CaseRepository } from './cases.repository';
import type { ContactRepository } from './contacts.repository';
import type { DepartmentRepository } from './departments.repository';
import type { InquiryRepository } from './inquiries.repository';
import { bodyPreview, type MessageRepository, type TimelineRow } from './messages.repository';
import type { AttachmentRepository } from './attachments.repository';
import type { StaffDirectory } from './staff';
import { actsIn, assertCanWorkInquiries, inScope, registerScope, type Actor } from '../core/access';
import { AppError, badRequest, conflict, notFound } from '../core/errors';
import type { RegisterEvents } from './events';
import { replaceableBy } from './message-status.service';

export interface InquiryListQuery {
  channel?: Channel;
  state?: InquiryState;
  department?: string;
  contact?: number;
  caseNumber?: string;
  assignee?: 'me' | 'none' | number;
  cursor?: string;
  limit?: number;
}

/** Characters of a body on a timeline item; GET /api/messages/:id gives the whole. */
export const TIMELINE_PREVIEW_CHARS = 4000;
/** Longest sanitised HTML sent along on a timeline item; a longer one is fetched on its own. */
export const TIMELINE_HTML_CHARS = 20_000;
/** Timeline items with the inquiry, and by default on each older page. */
export const TIMELINE_PAGE = 50;

type TimelineSource = TimelineRow | Message;

/** One message as staff see it on an inquiry's timeline: its body as a preview, its HTML only when small. */
function timelineItem(x: TimelineSource, author: TimelineItemView['author']): TimelineItemView {
  const paged = 'bodyTruncated' in x;
  const { body, bodyTruncated } = paged ? x : bodyPreview(x.body, TIMELINE_PREVIEW_CHARS);
  const html = paged ? x.bodyHtml : x.bodyHtml && x.bodyHtml.length <= TIMELINE_HTML_CHARS ? x.bodyHtml : null;
  return {
    id: x.id,
    channel: x.channel,
    direction: x.direction,
    kind: x.kind,
    body,
    bodyTruncated,
    bodyHtml: html,
    hasHtml: paged ? x.hasHtml : x.bodyHtml !== null,
    subject: x.subject,
    from: x.fromAddress,
    to: x.toAddress,
    createdAt: x.createdAt,
    externalId: x.externalId,
    status: x.status,
    author,
  };
}

export interface InquiryDeps {
  db: Database;
  inquiries: InquiryRepository;
  messages: MessageRepository;
  contacts: ContactRepository;
  cases: CaseRepository;
  departments: DepartmentRepository;
  users: StaffDirectory;
  audit: AuditRepository;
  /** A message's files, listed with its status history. */
  attachments?: Pick<AttachmentRepository, 'attachmentsOf'>;
  /** Told when a reply has left, so journaling sees every channel's outbound messages. */
  events?: RegisterEvents;
  /** Outbound senders by channel; a channel without one cannot be replied on (yet). */
  senders: Partial<Record<Channel, ChannelSender>>;
  clock: () => Date;
}

/**
 * Which assignees the inquiry may have for a change to go ahead: the one the client saw when it
 * says so, and otherwise, for an agent taking the inquiry, nobody or themselves. An admin's or a
 * colleague's deliberate reassignment without `ifAssigneeId` is made whoever holds it.
 */
function allowedHolders(actor: Actor, patch: { assigneeId?: number | null; ifAssigneeId?: number | null }): (number | null)[] | null {
  if (patch.ifAssigneeId !== undefined) return patch.assigneeId === undefined ? [patch.ifAssigneeId] : [patch.ifAssigneeId, patch.assigneeId];
  if (patch.assigneeId === actor.id) return [null, actor.id];
  return null;
}

/** What staff do with inquiries: list, read with the timeline, assign, change state, note, reply. */
export class InquiryService {
  constructor(private readonly deps: InquiryDeps) {}

  /** A page of inquiries; each row carries the start of its first message, so each listed one is audited as read. */
  async list(actor: Actor, q: InquiryListQuery, route = 'GET /api/inquiries', ip?: string): Promise<Page<InquiryView>> {
    const scope = registerScope(actor);
    const limit = q.limit ?? 50;
    let departmentId: number | undefined;
    if (q.department) {
      const dep = await this.deps.departments.byCode(q.department);
      if (!dep) throw badRequest(`Unknown department "${q.department}"`, [{ path: ['department'], message: 'unknown department' }]);
      departmentId = dep.id;
    }
    let caseId: number | undefined;
    if (q.caseNumber) caseId = (await this.deps.cases.byNumber(q.caseNumber))?.id ?? -1;
    const assigneeId = q.assignee === 'me' ? actor.id : q.assignee === 'none' ? null : q.assignee;
    const rows = await this.deps.inquiries.list(
      {
        channel: q.channel,
        state: q.state,
        departmentId,
        contactId: q.contact,
        caseId,
        assigneeId,
        beforeId: q.cursor ? decodeCursor(q.cursor) : undefined,
        limit,
      },
      scope,
    );
    const page = rows.slice(0, limit);
    await this.deps.audit.record(page.map((i) => ({ userId: actor.id, action: 'read' as const, entityType: 'inquiry' as const, entityId: i.id, route, ip })));
    return { items: await this.views(page), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  /** One inquiry with the newest page of its timeline; reading it is audited. */
  async get(actor: Actor, id: number, route: string, ip?: string): Promise<InquiryDetailView> {
    const inquiry = await this.visible(actor, id);
    const [view] = await this.views([inquiry]);
    const page = await this.timelinePage(id, undefined, TIMELINE_PAGE);
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'inquiry', entityId: id, route, ip }]);
    return { ...view, timeline: page.items, timelineCursor: page.nextCursor };
  }

  /** The timeline items before the cursor (a page, oldest first), for reading further back; audited as a read of the inquiry. */
  async timeline(actor: Actor, id: number, q: { cursor?: string; limit?: number }, route: string, ip?: string): Promise<Page<TimelineItemView>> {
    await this.visible(actor, id);
    const page = await this.timelinePage(id, q.cursor ? decodeCursor(q.cursor) : undefined, q.limit ?? TIMELINE_PAGE);
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'inquiry', entityId: id, route, ip }]);
    return page;
  }

  private async timelinePage(id: number, beforeId: number | undefined, limit: number): Promise<Page<TimelineItemView>> {
    const rows = await this.deps.messages.timelinePage(id, {
      beforeId,
      limit: limit + 1,
      previewChars: TIMELINE_PREVIEW_CHARS,
      htmlChars: TIMELINE_HTML_CHARS,
    });
    const page = rows.slice(0, limit);
    const authors = await this.deps.users.byIds([...new Set(page.map((x) => x.authorId).filter((x): x is number => x !== null))]);
    const items = page.reverse().map((x) => {
      const author = authors.find((a) => a.id === x.authorId);
      return timelineItem(x, author ? { id: author.id, name: author.name } : null);
    });
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[0].id) : null };
  }

  /** Assign, change state or move to another department. */
  async update(
    actor: Actor,
    id: number,
    patch: { state?: InquiryState; assigneeId?: number | null; department?: string; ifAssigneeId?: number | null },
    route: string,
  ): Promise<InquiryView> {
    assertCanWorkInquiries(actor);
    const inquiry = await this.visible(actor, id);
    const changes: Partial<Inquiry> = {};
    let departmentId = inquiry.departmentId;
    if (patch.department !== undefined) {
      const dep = await this.deps.departments.byCode(patch.department);
      if (!dep) throw badRequest(`Unknown department "${patch.department}"`, [{ path: ['department'], message: 'unknown department' }]);
      departmentId = changes.departmentId = dep.id;
    }
    if (patch.assigneeId !== undefined) {
      if (patch.assigneeId !== null) {
        const user = await this.deps.users.byId(patch.assigneeId);
        const deps = user ? await this.deps.users.departmentIds(user.id) : [];
        if (!user || !user.active || !actsIn({ role: user.role, departmentIds: deps }, departmentId)) {
          throw badRequest('The assignee must be an active member of the inquiry’s department', [{ path: ['assigneeId'], message: 'not a member' }]);
        }
      }
      changes.assigneeId = patch.assigneeId;
    }
    if (patch.state !== undefined && patch.state !== inquiry.state) {
      changes.state = patch.state;
      changes.closedAt = patch.state === 'closed' ? this.deps.clock() : null;
    }
    const holders = allowedHolders(actor, patch);
    if (holders && !holders.includes(inquiry.assigneeId)) throw await this.taken(inquiry.assigneeId);
    if (Object.keys(changes).length) {
      const made = await this.deps.db.transaction(async (m) => {
        if (holders && !(await this.deps.inquiries.updateIfAssignee(id, changes, holders, m))) return false;
        if (!holders) await this.deps.inquiries.update(id, changes, m);
        await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'inquiry', entityId: id, route }], m);
        return true;
      });
      // Someone else changed the assignee between our read and our write.
      if (!made) throw await this.taken((await this.visible(actor, id)).assigneeId);
    }
    const [view] = await this.views([{ ...inquiry, ...changes }]);
    if (Object.keys(changes).length)
      this.deps.events?.emit('inquiry:changed', { view, previousDepartmentId: inquiry.departmentId, departmentId, byUserId: actor.id });
    return view;
  }

  private async taken(holderId: number | null) {
    const holder = holderId === null ? null : await this.deps.users.byId(holderId);
    return conflict(
      'already_assigned',
      holder ? `${holder.name} has already taken this inquiry` : 'The inquiry has been released by its assignee; look again before changing it',
    );
  }

  async addNote(actor: Actor, id: number, body: string, route: string): Promise<TimelineItemView> {
    assertCanWorkInquiries(actor);
    const inquiry = await this.visible(actor, id);
    const now = this.deps.clock();
    const message = await this.deps.db.transaction(async (m) => {
      const note = await this.deps.messages.insertNote({ inquiryId: id, channel: inquiry.channel, body, authorId: actor.id, at: now }, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'inquiry', entityId: id, route }], m);
      return note;
    });
    return this.item(message, actor);
  }

  /**
   * A reply on the inquiry's own channel: stored first as queued, then handed to the channel; a
   * channel failure leaves the reply on the timeline as failed with the reason, never lost.
   */
  async reply(actor: Actor, id: number, body: string, route: string): Promise<TimelineItemView> {
    assertCanWorkInquiries(actor);
    const inquiry = await this.visible(actor, id);
    const sender = this.deps.senders[inquiry.channel];
    if (!sender) throw new AppError(409, 'channel_unavailable', `Replies on the ${inquiry.channel} channel are not available`);
    if (!inquiry.citizenAddress) throw new AppError(409, 'no_citizen_address', 'The citizen left no address to reply to');
    const now = this.deps.clock();
    const from = inquiry.channelAddress;
    const { message } = await this.deps.db.transaction(async (m) => {
      const r = await this.deps.messages.insertOnce(
        {
          inquiryId: id,
          channel: inquiry.channel,
          direction: 'out',
          kind: 'message',
          body,
          bodyHtml: null,
          subject: inquiry.subject,
          fromAddress: from,
          toAddress: inquiry.citizenAddress,
          externalId: null,
          status: 'queued',
          meta: null,
          authorId: actor.id,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      await this.deps.messages.addEvent({ messageId: r.message.id, status: 'queued', providerStatus: null, at: now, detail: null }, m);
      await this.deps.inquiries.update(id, { lastActivityAt: now, state: inquiry.state === 'closed' ? 'closed' : 'waiting' }, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'message', entityId: r.message.id, route }], m);
      return r;
    });
    try {
      const sent = await sender.send({ messageId: message.id, inquiryId: id, to: inquiry.citizenAddress, from, body, subject: inquiry.subject });
      const status = await this.deps.db.transaction(async (m) => {
        await this.deps.messages.update(message.id, { externalId: sent.externalId, fromAddress: sent.from ?? from, meta: sent.meta ?? null }, m);
        // A delivery report may already have moved the message on; the hand-over must not undo it.
        const moved = await this.deps.messages.advanceStatus(message.id, sent.status, replaceableBy(sent.status), m);
        const detail = sent.detail && Object.keys(sent.detail).length ? sent.detail : null;
        await this.deps.messages.addEvent(
          { messageId: message.id, status: sent.status, providerStatus: sent.providerStatus ?? null, at: this.deps.clock(), detail },
          m,
        );
        return moved ? sent.status : ((await this.deps.messages.byId(message.id, m))?.status ?? sent.status);
      });
      Object.assign(message, { externalId: sent.externalId, status, fromAddress: sent.from ?? from });
      // Every channel's reply reaches journaling this way; a channel that also reports it (SMS) is harmless, entries are per message.
      if (sent.externalId && status !== 'failed' && status !== 'stopped')
        this.deps.events?.emit('message:sent', { inquiry, message, channel: inquiry.channel });
    } catch (e) {
      const reason = (e as Error).message?.slice(0, 500) ?? 'send failed';
      await this.deps.db.transaction(async (m) => {
        await this.deps.messages.update(message.id, { status: 'failed', meta: { error: reason } }, m);
        await this.deps.messages.addEvent(
          { messageId: message.id, status: 'failed', providerStatus: null, at: this.deps.clock(), detail: { error: reason } },
          m,
        );
      });
      message.status = 'failed';
    }
    return this.item(message, actor);
  }

  /** A message with its whole status history, if the actor may see its inquiry; reading it is audited. */
  async message(actor: Actor, messageId: number, route: string, ip?: string): Promise<MessageDetailView> {
    const message = await this.deps.messages.byId(messageId);
    if (!message) throw notFound('Message');
    await this.visible(actor, message.inquiryId, 'Message');
    const events = await this.deps.messages.events(messageId);
    const files = (await this.deps.attachments?.attachmentsOf(messageId)) ?? [];
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'message', entityId: messageId, route, ip }]);
    return {
      id: message.id,
      inquiryId: message.inquiryId,
      channel: message.channel,
      direction: message.direction,
      status: message.status,
      body: message.body,
      bodyHtml: message.bodyHtml,
      subject: message.subject,
      from: message.fromAddress,
      to: message.toAddress,
      externalId: message.externalId,
      createdAt: message.createdAt,
      events: events.map((e) => ({ status: e.status, at: e.at, providerStatus: e.providerStatus, ...(e.detail ?? {}) })),
      attachments: files.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, status: a.status, reason: a.reason })),
    };
  }

  /** The inquiry if the actor's scope includes it; otherwise 404, so its existence is not revealed. */
  /** The inquiry with this id if `actor` may see it (the search box's "#1234"), without its timeline. */
  async find(actor: Actor, id: number): Promise<InquiryView | null> {
    const inquiry = await this.deps.inquiries.byId(id);
    if (!inquiry || !inScope(registerScope(actor), inquiry.departmentId)) return null;
    const [view] = await this.views([inquiry]);
    return view;
  }

  private async visible(actor: Actor, id: number, what = 'Inquiry'): Promise<Inquiry> {
    const scope = registerScope(actor);
    const inquiry = await this.deps.inquiries.byId(id);
    if (!inquiry || !inScope(scope, inquiry.departmentId)) throw notFound(what);
    return inquiry;
  }

  private item(x: Message, actor: Actor): TimelineItemView {
    return timelineItem(x, x.authorId === actor.id ? { id: actor.id, name: actor.name } : null);
  }

  async views(rows: Inquiry[]): Promise<InquiryView[]> {
    const contactIds = [...new Set(rows.map((r) => r.contactId).filter((x): x is number => x !== null))];
    const caseIds = [...new Set(rows.map((r) => r.caseId).filter((x): x is number => x !== null))];
    const userIds = [...new Set(rows.map((r) => r.assigneeId).filter((x): x is number => x !== null))];
    const [contacts, cases, users, departments] = await Promise.all([
      this.deps.contacts.byIds(contactIds),
      this.deps.cases.byIds(caseIds),
      this.deps.users.byIds(userIds),
      this.deps.departments.list(),
    ]);
    return rows.map((r) => {
      const contact = contacts.find((c) => c?.id === r.contactId) ?? null;
      const assignee = users.find((u) => u.id === r.assigneeId);
      return {
        id: r.id,
        channel: r.channel,
        direction: r.direction,
        state: r.state,
        status: r.state,
        department: departments.find((dep) => dep.id === r.departmentId)?.code ?? String(r.departmentId),
        assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
        contactId: r.contactId,
        contact: contact ? { id: contact.id, name: contact.name } : null,
        // A case the sender only named is shown apart, never as the citizen's own.
        caseNumber: r.caseMentioned ? null : (cases.find((c) => c.id === r.caseId)?.caseNumber ?? null),
        mentionedCaseNumber: r.caseMentioned ? (cases.find((c) => c.id === r.caseId)?.caseNumber ?? null) : null,
        refersToInquiryId: r.refersToInquiryId,
        subject: r.subject,
        summary: r.summary,
        citizenAddress: r.citizenAddress,
        createdAt: r.createdAt,
        lastActivityAt: r.lastActivityAt,
        closedAt: r.closedAt,
      };
    });
  }
}
