import { EntitySchema } from 'typeorm';

/** Files that came with a message (e-mail or web form), or why one was refused. */

/** `storing`: its chunks are being written; only a `stored` attachment has content to read. */
export type AttachmentStatus = 'storing' | 'stored' | 'refused' | 'purged';
export interface Attachment {
  id: number;
  messageId: number;
  ordinal: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  status: AttachmentStatus;
  reason: string | null;
  /** While `storing`: the token of the attempt writing it (see AttachmentRepository.store). */
  writer: string | null;
  createdAt: Date;
}
export const AttachmentEntity = new EntitySchema<Attachment>({
  name: 'Attachment',
  tableName: 'attachments',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    messageId: { type: Number, name: 'message_id' },
    ordinal: { type: Number },
    filename: { type: String, length: 255 },
    contentType: { type: String, length: 127, name: 'content_type' },
    size: { type: Number },
    sha256: { type: String, length: 64, nullable: true },
    status: { type: String, length: 16 },
    reason: { type: String, length: 255, nullable: true },
    writer: { type: String, length: 32, nullable: true },
    createdAt: { type: 'datetime', name: 'created_at', precision: 3 },
  },
});

/**
 * An attachment's content in pieces of at most ATTACHMENT_CHUNK_BYTES, numbered from 0. Each piece
 * is its own statement, so no single packet to MariaDB grows with the file (max_allowed_packet).
 */
export interface AttachmentChunk {
  id: number;
  attachmentId: number;
  seq: number;
  data: Buffer;
}
export const AttachmentChunkEntity = new EntitySchema<AttachmentChunk>({
  name: 'AttachmentChunk',
  tableName: 'attachment_chunks',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    attachmentId: { type: Number, name: 'attachment_id' },
    seq: { type: Number },
    data: { type: 'blob' },
  },
});

/** 1 MiB: as a hex literal (mysql2 sends parameters inline) about 2 MB, far below any server's packet limit. */
export const ATTACHMENT_CHUNK_BYTES = 1024 * 1024;
