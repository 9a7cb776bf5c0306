import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTableOnce, dropTableIfExists, fk, idColumn, index, int, isMysql, str } from './helpers';

/** Must equal ATTACHMENT_CHUNK_BYTES in server/register/attachments.entities.ts (a migration keeps its own copy: it must not change later). */
const CHUNK = 1024 * 1024;

/**
 * Attachment content moves from one blob per attachment to numbered chunks of 1 MiB. mysql2 sends
 * a Buffer parameter as an X'…' literal twice its size, so a file over about 8 MB could not be
 * inserted under MariaDB's default 16 MB max_allowed_packet; a chunk always can.
 *
 * Existing content is split by the database itself (SUBSTR and LENGTH count bytes on a blob on
 * both engines), so no file crosses the connection. `writer` holds the token of the attempt
 * writing a file while it is `storing`. The old column stays, emptied: dropping a
 * column makes TypeORM rebuild the table on SQLite, and dropping the old table would cascade to
 * the chunks that now reference it.
 */
export class AttachmentChunks1732440000001 implements MigrationInterface {
  name = 'AttachmentChunks1732440000001';

  async up(q: QueryRunner): Promise<void> {
    // Before the chunks exist: on SQLite adding a column rebuilds the table, which must not cascade to them.
    if (!(await q.hasColumn('attachments', 'writer'))) await q.addColumn('attachments', new TableColumn(str('writer', 32, true)));
    await createTableOnce(q, {
      name: 'attachment_chunks',
      columns: [idColumn(), int('attachment_id'), int('seq'), { name: 'data', type: isMysql(q) ? 'mediumblob' : 'blob', isNullable: false }],
      indices: [index('uq_attachment_chunks_seq', ['attachment_id', 'seq'], true)],
      foreignKeys: [fk('attachment_id', 'attachments', 'CASCADE')],
    });
    if (!(await q.hasColumn('attachments', 'content'))) return;
    const [{ longest }] = (await q.query('SELECT MAX(LENGTH(content)) AS longest FROM attachments WHERE content IS NOT NULL')) as { longest: unknown }[];
    for (let seq = 0; seq * CHUNK < Number(longest ?? 0); seq++) {
      // A re-run after a half-applied migration skips the chunks already there.
      await q.query(
        `INSERT INTO attachment_chunks (attachment_id, seq, data)
         SELECT a.id, ?, SUBSTR(a.content, ?, ?) FROM attachments a
         WHERE a.content IS NOT NULL AND LENGTH(a.content) > ?
           AND NOT EXISTS (SELECT 1 FROM attachment_chunks c WHERE c.attachment_id = a.id AND c.seq = ?)`,
        [seq, seq * CHUNK + 1, CHUNK, seq * CHUNK, seq],
      );
    }
    await q.query('UPDATE attachments SET content = NULL WHERE content IS NOT NULL');
  }

  /** Puts each file back in one piece (read here and written back one attachment at a time), then drops the chunks. */
  async down(q: QueryRunner): Promise<void> {
    if (!(await q.hasTable('attachment_chunks'))) return;
    if (await q.hasColumn('attachments', 'content')) {
      const ids = (await q.query('SELECT DISTINCT attachment_id AS id FROM attachment_chunks')) as { id: unknown }[];
      for (const { id } of ids) {
        const parts = (await q.query('SELECT data FROM attachment_chunks WHERE attachment_id = ? ORDER BY seq', [Number(id)])) as { data: Buffer }[];
        await q.query('UPDATE attachments SET content = ? WHERE id = ?', [Buffer.concat(parts.map((p) => p.data)), Number(id)]);
      }
    }
    await dropTableIfExists(q, 'attachment_chunks');
    if (await q.hasColumn('attachments', 'writer')) await q.dropColumn('attachments', 'writer');
  }
}
