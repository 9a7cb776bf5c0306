import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { AttachmentEntity, type Attachment } from './attachments.entities';

/** The files of messages on any channel: stored once per message and position, read with their content only on request. */
export class AttachmentRepository {
  constructor(private readonly deps: { db: Database }) {}

  private get manager() {
    return this.deps.db.dataSource.manager;
  }

  async attachmentCount(messageId: number): Promise<number> {
    return this.manager.getRepository(AttachmentEntity).count({ where: { messageId } });
  }

  /** Adds a message's attachments once: a re-delivered message finds them there and adds nothing. */
  async addAttachments(rows: Omit<Attachment, 'id'>[], m?: EntityManager): Promise<void> {
    const write = async (tx: EntityManager) => {
      for (const row of rows) {
        const exists = await tx.getRepository(AttachmentEntity).count({ where: { messageId: row.messageId, ordinal: row.ordinal } });
        if (!exists) await tx.getRepository(AttachmentEntity).insert(row);
      }
    };
    if (m) await write(m);
    else await this.deps.db.transaction(write);
  }

  attachmentsOf(messageId: number): Promise<Attachment[]> {
    return this.manager.getRepository(AttachmentEntity).find({ where: { messageId }, order: { ordinal: 'ASC' } });
  }

  async attachmentWithContent(id: number): Promise<Attachment | null> {
    return this.manager.getRepository(AttachmentEntity).createQueryBuilder('a').addSelect('a.content').where('a.id = :id', { id }).getOne();
  }
}
