import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { fitColumns } from '../core/db/columns';
import { isUniqueViolation, type Database } from '../core/db/database';
import { insertRow, updateRow } from '../core/db/entity-sql';
import { piecesOf, type AttachmentContent } from './attachment-content';
import { ATTACHMENT_CHUNK_BYTES, AttachmentChunkEntity, AttachmentEntity, type Attachment } from './attachments.entities';

export type { AttachmentContent } from './attachment-content';

/** Which message a file came with and what it calls itself; names and types too long for their columns are cut. */
export interface AttachmentInput {
  messageId: number;
  /** Its position among the message's files: a message's file is stored once per position. */
  ordinal: number;
  filename: string;
  contentType: string;
  createdAt: Date;
}

/**
 * The files of messages on any channel. A file is stored once per message and position, as
 * numbered chunks of at most 1 MiB, each its own statement, so any accepted size fits MariaDB's
 * max_allowed_packet and no more than one chunk is ever held in memory, writing or reading. The
 * row says `storing` until its last chunk is written and its size and SHA-256 are set: a crash
 * half-way leaves nothing that reads as stored, and the next delivery of the message starts it
 * again.
 */
export class AttachmentRepository {
  constructor(
    private readonly deps: { db: Database },
    private readonly chunkBytes = ATTACHMENT_CHUNK_BYTES,
  ) {}

  private get manager() {
    return this.deps.db.dataSource.manager;
  }

  /** Attachments of the message that are done (stored or refused). */
  async attachmentCount(messageId: number): Promise<number> {
    return this.manager
      .getRepository(AttachmentEntity)
      .createQueryBuilder('a')
      .where("a.message_id = :messageId AND a.status <> 'storing'", { messageId })
      .getCount();
  }

  attachmentsOf(messageId: number): Promise<Attachment[]> {
    return this.manager.getRepository(AttachmentEntity).find({ where: { messageId }, order: { ordinal: 'ASC' } });
  }

  /** One attachment's metadata; its content only through `content()`. */
  byId(id: number): Promise<Attachment | null> {
    return this.manager.getRepository(AttachmentEntity).findOne({ where: { id } });
  }

  /** Records a file that was not taken, with the reason; a file already recorded at that position is left as it is. */
  async refuse(input: AttachmentInput & { size: number; sha256: string | null; reason: string }): Promise<Attachment> {
    const existing = await this.at(input.messageId, input.ordinal);
    if (existing && existing.status !== 'storing') return existing;
    if (existing) await this.deps.db.statement((m) => m.getRepository(AttachmentEntity).delete({ id: existing.id }));
    const row = this.row(input, { status: 'refused', size: input.size, sha256: input.sha256, reason: input.reason });
    try {
      return { ...row, id: await this.deps.db.statement((m) => insertRow(this.deps.db, m, AttachmentEntity, row)) };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return (await this.at(input.messageId, input.ordinal))!;
    }
  }

  /**
   * Stores a file's content, computing its size and SHA-256 on the way. Idempotent per message and
   * position: a file already stored is returned as it is; one left `storing` by a crash is redone.
   */
  async store(input: AttachmentInput & { content: AttachmentContent }): Promise<Attachment> {
    const existing = await this.at(input.messageId, input.ordinal);
    if (existing && existing.status !== 'storing') {
      if (input.content instanceof Readable) input.content.destroy();
      return existing;
    }
    const row = this.row(input, { status: 'storing', size: 0, sha256: null, reason: null });
    let id: number;
    if (existing) {
      id = existing.id;
      await this.deps.db.statement((m) => m.getRepository(AttachmentChunkEntity).delete({ attachmentId: id }));
    } else {
      try {
        id = await this.deps.db.statement((m) => insertRow(this.deps.db, m, AttachmentEntity, row));
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        // Another delivery of the same message got there first: it stores this file.
        if (input.content instanceof Readable) input.content.destroy();
        return (await this.at(input.messageId, input.ordinal))!;
      }
    }
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    try {
      for await (const data of piecesOf(input.content, this.chunkBytes)) {
        hash.update(data);
        size += data.length;
        const chunk = { attachmentId: id, seq: seq++, data };
        await this.deps.db.statement((m) => insertRow(this.deps.db, m, AttachmentChunkEntity, chunk));
      }
      const done = { status: 'stored' as const, size, sha256: hash.digest('hex') };
      await this.deps.db.statement((m) => updateRow(this.deps.db, m, AttachmentEntity, id, done));
      return { ...row, ...done, id };
    } catch (e) {
      // Nothing half-written stays behind (the chunks go with the row); should this fail too, the row still says `storing`.
      await this.deps.db.statement((m) => m.getRepository(AttachmentEntity).delete({ id })).catch(() => undefined);
      throw e;
    }
  }

  /**
   * A stored attachment's content, read one chunk per query as the consumer asks for more. The
   * stream fails if the chunks do not add up to the recorded size, so a damaged file is never
   * served as whole.
   */
  content(attachment: Pick<Attachment, 'id' | 'size'>): Readable {
    const { id, size } = attachment;
    const chunk = async (m: EntityManager, seq: number) =>
      ((await m.query('SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?', [id, seq])) as { data: Buffer | Uint8Array }[])[0];
    const manager = this.manager;
    async function* read() {
      let sent = 0;
      for (let seq = 0; sent < size; seq++) {
        const row = await chunk(manager, seq);
        if (!row) break;
        const data = Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data);
        sent += data.length;
        yield data;
      }
      if (sent !== size) throw new Error(`attachment ${id}: ${sent} of ${size} bytes in its chunks`);
    }
    return Readable.from(read(), { objectMode: false });
  }

  private at(messageId: number, ordinal: number): Promise<Attachment | null> {
    return this.manager.getRepository(AttachmentEntity).findOne({ where: { messageId, ordinal } });
  }

  private row(input: AttachmentInput, rest: Pick<Attachment, 'status' | 'size' | 'sha256' | 'reason'>): Omit<Attachment, 'id'> {
    const { messageId, ordinal, filename, contentType, createdAt } = input;
    return fitColumns(AttachmentEntity, { messageId, ordinal, filename, contentType, createdAt, ...rest }).row;
  }
}
