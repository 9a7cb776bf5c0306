import { In } from 'typeorm';
import { type Database, isUniqueViolation } from '../core/db/database';
import { MailCursorEntity, type MailCursor } from './entities';
import { InquiryEntity, MessageEntity, type Inquiry, type Message } from '../register/module';

/** Channels whose messages carry e-mail Message-IDs (a web form's receipt goes out by e-mail). */
const MAIL_CHANNELS = ['email', 'web'];

/** What the e-mail channel reads and writes besides InboundService: the mailbox cursor and threads. */
export class MailRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private get manager() {
    return this.deps.db.dataSource.manager;
  }

  cursor(mailbox: string): Promise<MailCursor | null> {
    return this.manager.getRepository(MailCursorEntity).findOne({ where: { mailbox } });
  }

  /** Moves the mailbox's cursor; the row is created on first use. */
  async saveCursor(mailbox: string, uidValidity: string, lastUid: number): Promise<void> {
    await this.deps.db.transaction(async (m) => {
      const repo = m.getRepository(MailCursorEntity);
      const updated = await repo.update({ mailbox }, { uidValidity, lastUid, updatedAt: this.deps.clock() });
      if (updated.affected) return;
      try {
        await repo.insert({ mailbox, uidValidity, lastUid, updatedAt: this.deps.clock() });
      } catch (e) {
        // Another process created it in between: its cursor and ours move the same way.
        if (!isUniqueViolation(e)) throw e;
        await repo.update({ mailbox }, { uidValidity, lastUid, updatedAt: this.deps.clock() });
      }
    });
  }

  /** The message, in or out, that carries one of these Message-IDs; the earliest-listed id wins. */
  async messageByMailIds(ids: string[]): Promise<Message | null> {
    if (!ids.length) return null;
    const rows = await this.manager.getRepository(MessageEntity).find({ where: { channel: In(MAIL_CHANNELS), externalId: In(ids) } });
    for (const id of ids) {
      const hit = rows.find((r) => r.externalId === id);
      if (hit) return hit;
    }
    return null;
  }

  /** Message-IDs of an inquiry's mails, oldest first, for the References header of a reply. */
  async mailIdsOf(inquiryId: number): Promise<{ id: string; direction: Message['direction'] }[]> {
    const rows = await this.manager
      .getRepository(MessageEntity)
      .createQueryBuilder('m')
      .select(['m.id', 'm.externalId', 'm.direction'])
      .where('m.inquiry_id = :inquiryId AND m.channel IN (:...channels) AND m.external_id IS NOT NULL', { inquiryId, channels: MAIL_CHANNELS })
      .orderBy('m.id', 'ASC')
      .getMany();
    return rows.filter((r) => r.externalId!.includes('@')).map((r) => ({ id: r.externalId!, direction: r.direction }));
  }

  /** The newest open inquiry about a case that this citizen wrote, to continue when a mail names the case. */
  async openInquiryOfCase(caseNumber: string, citizenAddress: string): Promise<Inquiry | null> {
    return this.manager
      .getRepository(InquiryEntity)
      .createQueryBuilder('i')
      .innerJoin('cases', 'k', 'k.id = i.case_id')
      .where('k.case_number = :caseNumber AND i.citizen_address = :citizen AND i.state IN (:...states)', {
        caseNumber,
        citizen: citizenAddress,
        states: ['open', 'waiting'],
      })
      .orderBy('i.id', 'DESC')
      .getOne();
  }

  /** Whether the system (no author) already sent something on the inquiry, a receipt above all. */
  async hasAutomaticMessage(inquiryId: number): Promise<boolean> {
    const n = await this.manager
      .getRepository(MessageEntity)
      .createQueryBuilder('m')
      .where("m.inquiry_id = :inquiryId AND m.direction = 'out' AND m.author_id IS NULL", { inquiryId })
      .getCount();
    return n > 0;
  }
}
