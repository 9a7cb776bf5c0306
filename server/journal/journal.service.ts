import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type Database, isUniqueViolation } from '../core/db/database';
import { wordIn } from './keywords';
import type {
  Inquiry,
  Message,
  CaseRepository,
  ContactRepository,
  DepartmentRepository,
  InquiryRepository,
  MessageRepository,
  RegisterEvents,
} from '../register/module';
import type { DeliveryState, JournalEntry, JournalRule } from './entities';
import type { JobQueue } from '../core/jobs/queue';
import { arkivstrukturXml, documentType, sha256, stableUuid } from './noark';
import type { UserRepository } from '../auth/module';
import { pushEntry } from './push';
import type { OutboundHooks } from '../core/outbound-hooks';
import type { AuditRepository } from '../core/audit.repository';
import type { JournalRepository } from './journal.repository';
import { assertMay, type Actor } from '../core/access';

export const JOURNAL_QUEUE = 'journal-deliver';
/** With the default backoff (2 s doubling, capped at 10 minutes) 20 runs span about two hours. */
export const DEFAULT_DELIVERY_ATTEMPTS = 20;
export const DEFAULT_RULES: Omit<JournalRule, 'id'>[] = [{ kind: 'case', value: null }];
const PUSH_URL = 'archive.push_url';
const RULES_TTL_MS = 5000;
const PUSH_TOKEN = 'archive.push_token';

export interface JournalDeps {
  db: Database;
  journal: JournalRepository;
  messages: MessageRepository;
  inquiries: InquiryRepository;
  cases: CaseRepository;
  contacts: ContactRepository;
  departments: DepartmentRepository;
  users: UserRepository;
  audit: AuditRepository;
  outbound: OutboundHooks;
  jobs: JobQueue;
  clock: () => Date;
  logger: Logger;
  attempts?: number;
}

export function assertRecords(actor: Actor): void {
  assertMay(actor, 'keepRecords', 'Only the records role or an administrator may do this');
}

/**
 * Journaling, for every channel: a message received or sent is matched against the rules
 * (default: everything linked to a case) and, if it matches, becomes a numbered journal post
 * with its document frozen and checksummed. Delivery to the archive is a job per post, retried
 * with backoff; a post that exhausts its runs is a dead letter the records role can see and retry.
 */
export class JournalService {
  private cachedRules: { at: number; rules: Omit<JournalRule, 'id'>[] } | null = null;

  constructor(private readonly deps: JournalDeps) {}

  listen(events: RegisterEvents): void {
    events.on('message:recorded', ({ message, inquiry }) => this.journal(message, inquiry).then(() => undefined));
    events.on('message:sent', ({ message, inquiry }) => this.journal(message, inquiry).then(() => undefined));
  }

  /**
   * The rules, read at most every few seconds: every message consults them, and they change
   * rarely. Another process sees a change within RULES_TTL_MS; this one at once.
   */
  async rules(): Promise<Omit<JournalRule, 'id'>[]> {
    if (this.cachedRules && Date.now() - this.cachedRules.at < RULES_TTL_MS) return this.cachedRules.rules;
    const rows = await this.deps.journal.rules();
    const rules = rows.length ? rows.map((r) => ({ kind: r.kind, value: r.value })) : DEFAULT_RULES;
    this.cachedRules = { at: Date.now(), rules };
    return rules;
  }

  /** The post for a message if a rule matches; the same message twice gives the one post. */
  async journal(message: Message, inquiry?: Inquiry): Promise<JournalEntry | null> {
    if (message.kind !== 'message' || message.direction === 'internal') return null;
    const inq = inquiry ?? (await this.deps.inquiries.byId(message.inquiryId));
    if (!inq) return null;
    // Decided before any other read: most messages of a busy inbox match no rule.
    const rules = await this.rules();
    const department = await this.deps.departments.byId(inq.departmentId);
    const text = `${message.subject ?? ''} ${message.body}`;
    // A case the sender only named (they are no party on it) is not theirs: anyone can write a case
    // number. Their message is not filed into that case as if it came from a party; another rule
    // may still journal it, on the inquiry alone, and an agent who checks it can link it properly.
    const caseId = inq.caseMentioned ? null : inq.caseId;
    const matches = rules.some(
      (r) =>
        r.kind === 'all' ||
        (r.kind === 'case' && caseId !== null) ||
        (r.kind === 'department' && department?.code === r.value) ||
        (r.kind === 'keyword' && r.value && wordIn(text, r.value)),
    );
    if (!matches) return null;
    const existing = await this.deps.journal.entryByMessage(message.id);
    if (existing) return existing;
    const [caseFile, contact] = await Promise.all([
      caseId ? this.deps.cases.byId(caseId) : null,
      inq.contactId ? this.deps.contacts.byId(inq.contactId) : null,
    ]);

    const incoming = message.direction === 'in';
    const partyAddress = incoming ? message.fromAddress : message.toAddress;
    // A send to an audience names its recipients by number, not by a party.
    const audience = !incoming && typeof message.meta?.recipients === 'number' ? `${message.meta.recipients} mottakere` : null;
    const partyName = contact?.name || partyAddress || audience || 'Ukjent';
    const title = (message.subject ? `${message.subject} – ` : '') + `${documentType(message.channel)} ${incoming ? 'fra' : 'til'} ${partyName}`;
    const pushing = (await this.deps.journal.setting(PUSH_URL)) !== null;
    const now = this.deps.clock();
    const year = now.getUTCFullYear();
    let entry: JournalEntry;
    try {
      entry = await this.deps.db.transaction(async (m) => {
        const again = await this.deps.journal.entryByMessage(message.id, m);
        if (again) return again;
        const journalSeq = await this.deps.journal.nextNumber(`year:${year}`, m);
        const postNumber = await this.deps.journal.nextNumber(caseFile ? `case:${caseFile.id}` : `inquiry:${inq.id}`, m);
        return this.deps.journal.insert(
          {
            systemId: stableUuid(`journalpost:${message.id}`),
            messageId: message.id,
            channel: message.channel,
            direction: incoming ? 'I' : 'U',
            journalYear: year,
            journalSeq,
            postNumber,
            journalDate: now,
            documentDate: message.createdAt,
            caseId: caseFile?.id ?? null,
            caseNumber: caseFile?.caseNumber ?? null,
            caseTitle: caseFile?.title.slice(0, 255) ?? null,
            inquiryId: inq.id,
            department: department?.name ?? String(inq.departmentId),
            partyName: partyName.slice(0, 191),
            partyAddress: partyAddress?.slice(0, 191) ?? null,
            title: title.slice(0, 255),
            body: message.body,
            checksum: sha256(message.body),
            size: Buffer.byteLength(message.body, 'utf8'),
            idempotencyKey: randomUUID(),
            deliveryState: pushing ? 'pending' : 'unconfigured',
            attempts: 0,
            lastError: null,
            deliveredAt: null,
            createdAt: now,
          },
          m,
        );
      });
    } catch (e) {
      // The same message's two events raced; the other one wrote the post.
      if (!isUniqueViolation(e)) throw e;
      return this.deps.journal.entryByMessage(message.id);
    }
    if (entry.deliveryState === 'pending') await this.enqueue(entry.id);
    return entry;
  }

  enqueue(entryId: number): Promise<void> {
    return this.deps.jobs.add(JOURNAL_QUEUE, { entryId }, { key: `journal-${entryId}`, attempts: this.deps.attempts ?? DEFAULT_DELIVERY_ATTEMPTS });
  }

  /** The job: one push; a failure is thrown so the queue retries it with backoff. */
  async deliver(entryId: number): Promise<void> {
    const entry = await this.deps.journal.byId(entryId);
    if (!entry || entry.deliveryState === 'delivered') return;
    const url = await this.deps.journal.setting(PUSH_URL);
    if (!url) return void (await this.deps.journal.setDelivery(entryId, 'unconfigured', ['pending']));
    try {
      await pushEntry(this.deps.outbound, url, entry, { token: await this.deps.journal.setting(PUSH_TOKEN) });
    } catch (e) {
      await this.deps.journal.failedAttempt(entryId, (e as Error).message ?? String(e));
      throw e;
    }
    await this.deps.journal.setDelivery(entryId, 'delivered', ['pending', 'dead', 'unconfigured'], { deliveredAt: this.deps.clock(), lastError: null });
  }

  async dead(entryId: number, err: unknown): Promise<void> {
    this.deps.logger.error({ err, entryId }, 'journal post could not be delivered to the archive');
    await this.deps.journal.setDelivery(entryId, 'dead', ['pending'], { lastError: ((err as Error)?.message ?? String(err)).slice(0, 2000) });
  }

  /** Messages a crash left without a post (between commit and event): journaled now. */
  async reconcile(sinceMs = 7 * 24 * 3600_000): Promise<number> {
    let n = 0;
    for (const message of await this.deps.journal.unjournaled(new Date(this.deps.clock().getTime() - sinceMs), 500)) {
      if (await this.journal(message)) n++;
    }
    return n;
  }

  async setRules(actor: Actor, rules: Omit<JournalRule, 'id'>[], route: string) {
    assertRecords(actor);
    await this.deps.db.transaction(async (m) => {
      await this.deps.journal.replaceRules(rules, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'journal', entityId: 'rules', route }], m);
    });
    this.cachedRules = null;
    return this.rules();
  }

  async archive(actor: Actor) {
    assertRecords(actor);
    return { pushUrl: await this.deps.journal.setting(PUSH_URL), token: (await this.deps.journal.setting(PUSH_TOKEN)) ? 'set' : null };
  }

  /** Sets (or clears) the push target; posts made while none was set are queued for it. */
  async setArchive(actor: Actor, target: { pushUrl: string | null; token?: string | null }, route: string) {
    assertRecords(actor);
    if (target.pushUrl) await this.deps.outbound.assertAllowed(target.pushUrl, 'pushUrl');
    await this.deps.db.transaction(async (m) => {
      await this.deps.journal.setSetting(PUSH_URL, target.pushUrl, m);
      if (target.token !== undefined) await this.deps.journal.setSetting(PUSH_TOKEN, target.token, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'journal', entityId: 'archive', route }], m);
    });
    if (target.pushUrl) {
      for (
        let page = await this.deps.journal.list({ states: ['unconfigured'], limit: 500, order: 'ASC' });
        page.length;
        page = await this.deps.journal.list({ states: ['unconfigured'], limit: 500, order: 'ASC' })
      ) {
        for (const e of page) if (await this.deps.journal.setDelivery(e.id, 'pending', ['unconfigured'])) await this.enqueue(e.id);
      }
    }
    return this.archive(actor);
  }

  /** Posts name the citizen and the subject, so every post listed is recorded as read. */
  async entries(actor: Actor, q: { states?: DeliveryState[]; from?: Date; to?: Date; beforeId?: number; limit: number }, route: string, ip?: string) {
    assertRecords(actor);
    const rows = await this.deps.journal.list(q);
    await this.deps.audit.record(rows.map((e) => ({ userId: actor.id, action: 'read' as const, entityType: 'journal' as const, entityId: e.id, route, ip })));
    return rows;
  }

  /** Noark 5 arkivstruktur.xml of the posts journaled in [from, to). */
  async exportXml(actor: Actor, from: Date, to: Date, route: string, ip?: string): Promise<string> {
    assertRecords(actor);
    const entries: JournalEntry[] = [];
    for (let afterId = 0; ;) {
      const page = await this.deps.journal.list({ from, to, afterId, limit: 1000, order: 'ASC' });
      entries.push(...page);
      if (page.length < 1000) break;
      afterId = page[page.length - 1].id;
    }
    const caseIds = [...new Set(entries.map((e) => e.caseId).filter((x): x is number => x !== null))];
    const files = await this.deps.cases.byIds(caseIds);
    const workers = await this.deps.users.byIds([...new Set(files.map((c) => c.caseworkerId).filter((x): x is number => x !== null))]);
    const cases = new Map(
      files.map((c) => [c.id, { createdAt: c.createdAt, open: c.isOpen, caseworker: workers.find((u) => u.id === c.caseworkerId)?.name ?? null }]),
    );
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'journal', entityId: 'export', route, ip }]);
    // Posts of one folder together, each folder in journal order.
    entries.sort((a, b) => (a.caseId ?? -a.inquiryId) - (b.caseId ?? -b.inquiryId) || a.id - b.id);
    return arkivstrukturXml(entries, { from, to, createdAt: this.deps.clock(), createdBy: 'Servicetorg', organisation: 'Servicetorg', cases });
  }

  /** One post with its document (the message text); reading it is audited. */
  async entry(actor: Actor, id: number, route: string, ip?: string): Promise<JournalEntry | null> {
    assertRecords(actor);
    const entry = await this.deps.journal.byId(id);
    if (entry) await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'journal', entityId: entry.id, route, ip }]);
    return entry;
  }

  async retry(actor: Actor, entryId: number, route: string): Promise<JournalEntry | null> {
    assertRecords(actor);
    if (!(await this.deps.journal.setDelivery(entryId, 'pending', ['dead']))) return null;
    await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'journal', entityId: entryId, route }]);
    await this.enqueue(entryId);
    return this.deps.journal.byId(entryId);
  }
}
