import { EntitySchema } from 'typeorm';

/** Files that came with a message (e-mail or web form), or why one was refused. */

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
