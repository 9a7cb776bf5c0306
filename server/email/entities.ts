import { EntitySchema } from 'typeorm';

/* The mailbox cursor (migration 1732300000001). */

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

export const mailEntities = [MailCursorEntity];
