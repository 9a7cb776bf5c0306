import { EntitySchema } from 'typeorm';

/* The mailbox cursor and the attachments of e-mails and web forms (migration 1732300000001). */

/** BIGINT comes back as a string from mysql2; IMAP UIDs fit a JS number. */
const bigintAsNumber = { to: (v: number) => v, from: (v: string | number | null) => (v === null ? 0 : Number(v)) };

export interface MailCursor {
  id: number;
  mailbox: string;
  uidValidity: string;
  lastUid: number;
  updatedAt: Date;
}
export const MailCursorEntity = new EntitySchema<MailCursor>({
  name: 'MailCursor',
  tableName: 'mail_cursors',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    mailbox: { type: String, length: 191 },
    uidValidity: { type: String, length: 20, name: 'uid_validity' },
    lastUid: { type: 'bigint', name: 'last_uid', transformer: bigintAsNumber },
    updatedAt: { type: 'datetime', name: 'updated_at', precision: 3 },
  },
});

export type AttachmentStatus = 'stored' | 'refused';
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
  content: Buffer | null;
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
    content: { type: 'blob', nullable: true, select: false },
    createdAt: { type: 'datetime', name: 'created_at', precision: 3 },
  },
});

export const mailEntities = [MailCursorEntity, AttachmentEntity];
