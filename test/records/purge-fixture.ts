import type { TestServer } from '../support/server';

/*
 * A register with rows of every kind retention covers, aged by hand: the suites write rows as
 * today and then move their dates back, the way time would have.
 */
export const DAY = 86_400_000;

export function sqlOf(s: TestServer) {
  const q = (sql: string, params: unknown[] = []) => s.app.db.dataSource.query(sql, params) as Promise<Record<string, unknown>[]>;
  const ago = (days: number) => s.app.db.param(new Date(Date.now() - days * DAY));
  return {
    q,
    ago,
    /** Closes an inquiry and moves it, its messages, their events and files back by `days`. */
    async age(inquiryId: number, days: number, opts: { open?: boolean } = {}) {
      await q(`UPDATE inquiries SET created_at = ?, last_activity_at = ?, closed_at = ?, state = ? WHERE id = ?`, [
        ago(days),
        ago(days),
        opts.open ? null : ago(days),
        opts.open ? 'open' : 'closed',
        inquiryId,
      ]);
      await q(`UPDATE messages SET created_at = ? WHERE inquiry_id = ?`, [ago(days), inquiryId]);
      await q(`UPDATE message_events SET at = ? WHERE message_id IN (SELECT id FROM messages WHERE inquiry_id = ?)`, [ago(days), inquiryId]);
      await q(`UPDATE attachments SET created_at = ? WHERE message_id IN (SELECT id FROM messages WHERE inquiry_id = ?)`, [ago(days), inquiryId]);
    },
    async inquiry(id: number) {
      const [row] = await q('SELECT summary, contact_id, content_purged_at FROM inquiries WHERE id = ?', [id]);
      const messages = await q('SELECT body, from_address FROM messages WHERE inquiry_id = ? ORDER BY id', [id]);
      return { summary: String(row.summary), contactId: row.contact_id, purged: row.content_purged_at !== null, bodies: messages.map((m) => String(m.body)) };
    },
    async count(table: string, where = '1 = 1', params: unknown[] = []) {
      const [row] = await q(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
      return Number(row.n);
    },
  };
}

/** Records one inbound message on a channel and answers its inquiry, message and contact. */
export async function inbound(
  s: TestServer,
  input: { channel: 'sms' | 'email' | 'web'; from: string; body: string; department: string; id: string; thread?: number },
) {
  const r = await s.app.inbound.record({
    channel: input.channel,
    externalId: input.id,
    from: input.channel === 'sms' ? { phone: input.from } : { email: input.from, name: 'Innbygger' },
    to: input.channel === 'email' ? 'post@kommune.no' : input.channel === 'sms' ? '+4740000000' : null,
    subject: input.channel === 'sms' ? null : 'Henvendelse',
    body: input.body,
    receivedAt: new Date(),
    departmentCode: input.department,
    ...(input.thread ? { thread: { inquiryId: input.thread } } : {}),
  });
  return { inquiryId: r.inquiry.id, messageId: r.message.id, contactId: r.contact?.id ?? null };
}
