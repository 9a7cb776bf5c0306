import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { type RetentionKind, type RetentionRule } from './retention';

/*
 * What each retention rule would remove, and removing it in small batches. Raw SQL over the
 * register's, the journal's and the alerts' tables: the purge is the one place that knows how
 * their rows age. Every statement names the rows by id, so a batch touches only what it selected,
 * and a batch is one short transaction (no lock held across batches, webhooks go on between them).
 */

/** A legal hold on the inquiry's contact or its case: nothing about it is purged. */
const INQUIRY_NOT_HELD = `NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL
  AND ((h.contact_id IS NOT NULL AND h.contact_id = i.contact_id) OR (h.case_id IS NOT NULL AND h.case_id = i.case_id)))`;

/** The rule reaches the inquiry (its channel and department), and no more specific rule of the same kind does. */
const IN_SCOPE = `(? = '*' OR i.channel = ?) AND (? = 0 OR i.department_id = ?)
  AND NOT EXISTS (SELECT 1 FROM retention_rules r2 WHERE r2.kind = ? AND r2.specificity > ?
    AND (r2.channel = '*' OR r2.channel = i.channel) AND (r2.department_id = 0 OR r2.department_id = i.department_id))`;

/** Content journaled to the archive goes locally only once the archive confirmed it. */
const ARCHIVE_CONFIRMED_FOR_INQUIRY = `NOT EXISTS (SELECT 1 FROM journal_entries j WHERE j.inquiry_id = i.id AND j.delivery_state <> 'delivered')`;
const ARCHIVE_CONFIRMED_FOR_MESSAGE = `NOT EXISTS (SELECT 1 FROM journal_entries j WHERE j.message_id = m.id AND j.delivery_state <> 'delivered')`;

const asText = (c: string) => `CAST(${c} AS CHAR(20))`;
const AUDIT_NOT_HELD = `
  NOT (a.entity_type = 'contact' AND a.entity_id IN (SELECT ${asText('h.contact_id')} FROM legal_holds h WHERE h.released_at IS NULL AND h.contact_id IS NOT NULL))
  AND NOT (a.entity_type = 'inquiry' AND a.entity_id IN (SELECT ${asText('i.id')} FROM inquiries i JOIN legal_holds h ON h.released_at IS NULL AND (h.contact_id = i.contact_id OR h.case_id = i.case_id)))
  AND NOT (a.entity_type = 'message' AND a.entity_id IN (SELECT ${asText('m.id')} FROM messages m JOIN inquiries i ON i.id = m.inquiry_id JOIN legal_holds h ON h.released_at IS NULL AND (h.contact_id = i.contact_id OR h.case_id = i.case_id)))
  AND NOT (a.entity_type = 'case' AND a.entity_id IN (SELECT k.case_number FROM cases k JOIN legal_holds h ON h.released_at IS NULL AND h.case_id = k.id))`;

const SUBSCRIBER_NOT_HELD = `NOT EXISTS (SELECT 1 FROM legal_holds h JOIN contact_phones p ON p.contact_id = h.contact_id WHERE h.released_at IS NULL AND p.e164 = s.phone)`;
const CONSENT_NOT_HELD = SUBSCRIBER_NOT_HELD.replace('p.e164 = s.phone', 'p.e164 = c.phone');

export interface Selection {
  /** FROM … WHERE …, without SELECT. */
  from: string;
  params: unknown[];
  /** The id column of the rows the rule removes. */
  id: string;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** Affected rows of a write, from the structured result (plain query() gives SQLite's last row id). */
export async function write(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  return ((await m.queryRunner!.query(sql, params, true)) as { affected?: number }).affected ?? 0;
}

/**
 * Removes the content of these inquiries and unlinks them from their citizen, keeping the skeleton
 * (channel, department, dates, statuses) for statistics and each journal post's reference (number,
 * checksum, case) for the archive. Used by the purge and by erasure.
 */
export async function anonymiseInquiries(m: EntityManager, ids: number[], now: Date | string): Promise<Record<string, number>> {
  if (!ids.length) return {};
  const list = marks(ids.length);
  const inMessages = `SELECT id FROM messages WHERE inquiry_id IN (${list})`;
  const attachments = await write(
    m,
    `UPDATE attachments SET status = 'purged', filename = '', reason = 'retention' WHERE status <> 'purged' AND message_id IN (${inMessages})`,
    ids,
  );
  await m.query(
    `DELETE FROM attachment_chunks WHERE attachment_id IN (SELECT id FROM attachments WHERE status = 'purged' AND message_id IN (${inMessages}))`,
    ids,
  );
  const messages = await write(
    m,
    `UPDATE messages SET body = '', body_html = NULL, subject = NULL, from_address = NULL, to_address = NULL, meta = NULL WHERE inquiry_id IN (${list})`,
    ids,
  );
  const journalEntries = await write(m, `UPDATE journal_entries SET body = '', party_name = '', party_address = NULL WHERE inquiry_id IN (${list})`, ids);
  const calls = await write(m, `UPDATE calls SET from_e164 = NULL, transfer_note = NULL WHERE inquiry_id IN (${list})`, ids);
  const inquiries = await write(
    m,
    `UPDATE inquiries SET summary = '', subject = NULL, citizen_address = NULL, contact_id = NULL, content_purged_at = ? WHERE id IN (${list}) AND content_purged_at IS NULL`,
    [now, ...ids],
  );
  return { inquiries, messages, attachments, journalEntries, calls };
}

export class PurgeRepository {
  constructor(private readonly deps: { db: Database; audit: AuditRepository; clock: () => Date }) {}

  /** The rows of one part of a rule (an alert rule has two: ended subscriptions, then old consents). */
  selections(rule: RetentionRule, cutoff: Date): { part: string; sel: Selection }[] {
    const at = this.deps.db.param(cutoff);
    const scope = [
      rule.channel ?? '*',
      rule.channel ?? '*',
      rule.departmentId ?? 0,
      rule.departmentId ?? 0,
      rule.kind,
      rule.channel || rule.departmentId ? (rule.channel ? 1 : 0) + (rule.departmentId ? 2 : 0) : 0,
    ];
    const kind: RetentionKind = rule.kind;
    switch (kind) {
      case 'inquiry_messages':
        return [
          {
            part: 'inquiries',
            sel: {
              from: `FROM inquiries i WHERE i.content_purged_at IS NULL AND i.closed_at IS NOT NULL AND i.last_activity_at < ? AND ${IN_SCOPE} AND ${INQUIRY_NOT_HELD} AND ${ARCHIVE_CONFIRMED_FOR_INQUIRY}`,
              params: [at, ...scope],
              id: 'i.id',
            },
          },
        ];
      case 'attachments':
        return [
          {
            part: 'attachments',
            sel: {
              from: `FROM attachments a JOIN messages m ON m.id = a.message_id JOIN inquiries i ON i.id = m.inquiry_id
                WHERE a.status = 'stored' AND a.created_at < ? AND ${IN_SCOPE} AND ${INQUIRY_NOT_HELD} AND ${ARCHIVE_CONFIRMED_FOR_MESSAGE}`,
              params: [at, ...scope],
              id: 'a.id',
            },
          },
        ];
      case 'delivery_events':
        return [
          {
            part: 'events',
            sel: {
              from: `FROM message_events e JOIN messages m ON m.id = e.message_id JOIN inquiries i ON i.id = m.inquiry_id WHERE e.at < ? AND ${IN_SCOPE} AND ${INQUIRY_NOT_HELD}`,
              params: [at, ...scope],
              id: 'e.id',
            },
          },
        ];
      case 'alert_subscriptions':
        return [
          {
            part: 'subscribers',
            sel: { from: `FROM alert_subscribers s WHERE s.state = 'left' AND s.left_at < ? AND ${SUBSCRIBER_NOT_HELD}`, params: [at], id: 's.id' },
          },
          {
            part: 'consents',
            sel: {
              from: `FROM alert_consents c WHERE c.created_at < ? AND NOT EXISTS (SELECT 1 FROM alert_subscribers s WHERE s.phone = c.phone AND s.state = 'active') AND ${CONSENT_NOT_HELD}`,
              params: [at],
              id: 'c.id',
            },
          },
        ];
      case 'audit_events':
        return [{ part: 'events', sel: { from: `FROM audit_events a WHERE a.at < ? AND ${AUDIT_NOT_HELD}`, params: [at], id: 'a.id' } }];
      case 'call_recordings':
        // Servicetorg stores no recordings of speech (Twilio's are never fetched); the rule is there for when it does.
        return [];
    }
  }

  /** Inquiries the rule would reach but keeps until the archive confirms their journal posts. */
  async waitingForArchive(rule: RetentionRule, cutoff: Date): Promise<number> {
    if (rule.kind !== 'inquiry_messages') return 0;
    const [sel] = this.selections(rule, cutoff);
    const from = sel.sel.from.replace(`AND ${ARCHIVE_CONFIRMED_FOR_INQUIRY}`, `AND NOT ${ARCHIVE_CONFIRMED_FOR_INQUIRY}`);
    return this.count({ ...sel.sel, from });
  }

  async count(sel: Selection): Promise<number> {
    const [row] = (await this.deps.db.dataSource.query(`SELECT COUNT(*) AS n ${sel.from}`, sel.params)) as { n: unknown }[];
    return Number(row.n);
  }

  async ids(sel: Selection, limit: number): Promise<number[]> {
    const rows = (await this.deps.db.dataSource.query(`SELECT ${sel.id} AS id ${sel.from} ORDER BY ${sel.id} LIMIT ${Math.floor(limit)}`, sel.params)) as {
      id: unknown;
    }[];
    return rows.map((r) => Number(r.id));
  }

  /**
   * Removes one batch: the selection is re-checked inside the transaction (`AND id IN (…)`), so a
   * row that changed since it was picked (a hold placed, an inquiry reopened) is left alone.
   * Answers what was removed, by what.
   */
  async remove(kind: RetentionKind, part: string, sel: Selection, ids: number[], cutoff: Date): Promise<Record<string, number>> {
    if (!ids.length) return {};
    if (kind === 'audit_events') {
      const still = await this.recheck(this.deps.db.dataSource.manager, sel, ids);
      return { events: await this.deps.audit.purgeIds(still, cutoff) };
    }
    return this.deps.db.transaction(async (m): Promise<Record<string, number>> => {
      const still = await this.recheck(m, sel, ids);
      if (!still.length) return {};
      const list = marks(still.length);
      const now = this.deps.db.param(this.deps.clock());
      const run = (sql: string, params: unknown[]) => write(m, sql, params);
      switch (`${kind}:${part}`) {
        case 'inquiry_messages:inquiries':
          return anonymiseInquiries(m, still, now);
        case 'attachments:attachments': {
          await m.query(`DELETE FROM attachment_chunks WHERE attachment_id IN (${list})`, still);
          return { attachments: await run(`UPDATE attachments SET status = 'purged', filename = '', reason = 'retention' WHERE id IN (${list})`, still) };
        }
        case 'delivery_events:events':
          return { events: await run(`DELETE FROM message_events WHERE id IN (${list})`, still) };
        case 'alert_subscriptions:subscribers': {
          await m.query(`DELETE FROM alert_subscriber_streets WHERE subscriber_id IN (${list})`, still);
          await m.query(`DELETE FROM alert_subscriber_categories WHERE subscriber_id IN (${list})`, still);
          await m.query(`UPDATE alert_consents SET subscriber_id = NULL WHERE subscriber_id IN (${list})`, still);
          return { subscribers: await run(`DELETE FROM alert_subscribers WHERE id IN (${list})`, still) };
        }
        case 'alert_subscriptions:consents':
          return { consents: await run(`DELETE FROM alert_consents WHERE id IN (${list})`, still) };
        default:
          return {};
      }
    });
  }

  private async recheck(m: EntityManager, sel: Selection, ids: number[]): Promise<number[]> {
    const rows = (await m.query(`SELECT ${sel.id} AS id ${sel.from} AND ${sel.id} IN (${marks(ids.length)})`, [...sel.params, ...ids])) as { id: unknown }[];
    return rows.map((r) => Number(r.id));
  }
}
