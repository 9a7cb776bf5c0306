import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { fitColumns } from '../core/db/columns';
import { isUniqueViolation, type Database } from '../core/db/database';
import { insertRow } from '../core/db/entity-sql';
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
 * again (see store).
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
    // A write under way loses its row, and so its claim: it ends without storing anything.
    if (existing) await this.deps.db.statement((m) => m.query("DELETE FROM attachments WHERE id = ? AND status = 'storing'", [existing.id]));
    const row = this.row(input, { status: 'refused', size: input.size, sha256: input.sha256, reason: input.reason, writer: null });
    try {
      return { ...row, id: await this.deps.db.statement((m) => insertRow(this.deps.db, m, AttachmentEntity, row)) };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return (await this.at(input.messageId, input.ordinal))!;
    }
  }

  /**
   * Stores a file's content, computing its size and SHA-256 on the way. Idempotent per message and
   * position: a file already stored (or refused) is returned as it is.
   *
   * Each attempt claims the row with a token of its own (`writer`), and a chunk is written, and
   * the file finished, only while the row still names that token. So the latest attempt wins: a
   * redelivery after a crash takes over at once, and an attempt overtaken by another (every
   * process runs a watcher) writes nothing more and returns the row as the other left it.
   */
  async store(input: AttachmentInput & { content: AttachmentContent }): Promise<Attachment> {
    const release = () => input.content instanceof Readable && input.content.destroy();
    const existing = await this.at(input.messageId, input.ordinal);
    if (existing && existing.status !== 'storing') {
      release();
      return existing;
    }
    const writer = randomBytes(16).toString('hex');
    const row = this.row(input, { status: 'storing', size: 0, sha256: null, reason: null, writer });
    let id: number;
    if (existing) {
      id = existing.id;
      const claimed = await this.deps.db.statement((m) =>
        m.getRepository(AttachmentEntity).createQueryBuilder().update().set({ writer }).where("id = :id AND status = 'storing'", { id }).execute(),
      );
      if (!claimed.affected) {
        const now = await this.at(input.messageId, input.ordinal);
        // Gone (an attempt that failed removed it): start afresh. Otherwise finished meanwhile.
        if (!now) return this.store(input);
        release();
        return now;
      }
      // What an earlier attempt wrote; it can add no more, its token no longer being on the row.
      await this.deps.db.statement((m) => m.getRepository(AttachmentChunkEntity).delete({ attachmentId: id }));
    } else {
      try {
        id = await this.deps.db.statement((m) => insertRow(this.deps.db, m, AttachmentEntity, row));
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        // Another delivery of the same message got there first: it stores this file.
        release();
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
        const params = [seq++, data, id, writer];
        await this.deps.db.statement((m) =>
          m.query('INSERT INTO attachment_chunks (attachment_id, seq, data) SELECT id, ?, ? FROM attachments WHERE id = ? AND writer = ?', params),
        );
      }
      const done = { status: 'stored' as const, size, sha256: hash.digest('hex'), writer: null };
      const finished = await this.deps.db.statement((m) =>
        m.getRepository(AttachmentEntity).createQueryBuilder().update().set(done).where('id = :id AND writer = :writer', { id, writer }).execute(),
      );
      if (!finished.affected) return (await this.byId(id)) ?? { ...row, id };
      return { ...row, ...done, id };
    } catch (e) {
      // Nothing half-written of this attempt stays behind (its chunks go with the row); another attempt's row is left alone.
      await this.deps.db.statement((m) => m.query('DELETE FROM attachments WHERE id = ? AND writer = ?', [id, writer])).catch(() => undefined);
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

  private row(input: AttachmentInput, rest: Pick<Attachment, 'status' | 'size' | 'sha256' | 'reason' | 'writer'>): Omit<Attachment, 'id'> {
    const { messageId, ordinal, filename, contentType, createdAt } = input;
    return fitColumns(AttachmentEntity, { messageId, ordinal, filename, contentType, createdAt, ...rest }).row;
  }
}
