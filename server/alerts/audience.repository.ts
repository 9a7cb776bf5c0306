import type { Database } from '../core/db/database';
import { badRequest } from '../core/errors';
import type { AudienceMember, AudienceSource, SubscribersAudience } from '../sms/module';

/*
 * The `subscribers` audience of officers' sends: active residents in an area, optionally with an
 * interest. Set-based SQL, one statement per answer whatever the size of the audience.
 *
 * Area = the union of the localities and the streets named:
 * - a locality reaches every active subscriber of it, whether they chose it whole or chose streets;
 * - a street reaches those who chose that street, and those who chose its locality as a whole.
 * Categories keep subscribers with at least one of them; an emergency send ignores categories.
 *
 * Merge fields: {{locality}} is the subscriber's locality. {{street}} is the street of the audience
 * that brought them in: one they chose or, for a subscriber of the whole locality, a street of
 * the audience in their locality (the lowest id when several are). It is empty when the send
 * names their locality as a whole, or everyone, so "Water off on {{street}}" never names a street
 * the send was not about.
 */

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class SubscriberAudience implements AudienceSource<SubscribersAudience> {
  constructor(private readonly deps: { db: Database }) {}

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.deps.db.dataSource.query(sql, params) as Promise<T[]>;
  }

  async check(spec: SubscribersAudience): Promise<void> {
    const details: { path: (string | number)[]; message: string }[] = [];
    const missing = async (table: string, column: string, values: (string | number)[], path: string, what: string) => {
      const unique = [...new Set(values)];
      if (!unique.length) return;
      const found = new Set<string>();
      for (let i = 0; i < unique.length; i += 900) {
        const part = unique.slice(i, i + 900);
        const rows = await this.query<{ v: string | number }>(`SELECT ${column} AS v FROM ${table} WHERE ${column} IN (${marks(part.length)})`, part);
        for (const r of rows) found.add(String(r.v));
      }
      values.forEach((v, i) => !found.has(String(v)) && details.push({ path: ['audience', 'subscribers', path, i], message: `no such ${what}: ${v}` }));
    };
    await missing('address_localities', 'id', spec.localities ?? [], 'localities', 'locality');
    await missing('address_streets', 'id', spec.streets ?? [], 'streets', 'street');
    await missing('alert_categories', 'code', spec.categories ?? [], 'categories', 'category');
    if (details.length) throw badRequest('The audience names places or categories that do not exist', details.slice(0, 100));
  }

  /** The matching subscribers (as `s`) and the SQL of the street that brought each in (null: none). */
  private matched(spec: SubscribersAudience, emergency: boolean): { from: string; params: unknown[]; street: string } {
    const params: unknown[] = [];
    const categories = !emergency && spec.categories?.length ? spec.categories : null;
    const interest = categories
      ? ` AND EXISTS (SELECT 1 FROM alert_subscriber_categories c WHERE c.subscriber_id = s.id AND c.category_code IN (${marks(categories.length)}))`
      : '';
    const languages = spec.languages?.length ? spec.languages : null;
    const reads = languages ? ` AND s.language IN (${marks(languages.length)})` : '';
    if (spec.all) {
      if (categories) params.push(...categories);
      if (languages) params.push(...languages);
      return { from: `alert_subscribers s WHERE s.state = 'active'${interest}${reads}`, params, street: 'NULL' };
    }
    const parts: string[] = [];
    const localities = spec.localities ?? [];
    const streets = spec.streets ?? [];
    if (localities.length) {
      parts.push(
        `SELECT s.id AS sid, 1 AS whole, NULL AS street_id FROM alert_subscribers s WHERE s.state = 'active' AND s.locality_id IN (${marks(localities.length)})`,
      );
      params.push(...localities);
    }
    if (streets.length) {
      parts.push(
        `SELECT ss.subscriber_id AS sid, 0 AS whole, ss.street_id AS street_id FROM alert_subscriber_streets ss WHERE ss.street_id IN (${marks(streets.length)})`,
      );
      // One row per locality of the streets named, not per street: 300 streets of one village
      // would otherwise repeat each of its whole-locality subscribers 300 times.
      parts.push(
        'SELECT s.id AS sid, 0 AS whole, x.street_id AS street_id FROM ' +
          `(SELECT st.locality_id AS locality_id, MIN(st.id) AS street_id FROM address_streets st WHERE st.id IN (${marks(streets.length)}) GROUP BY st.locality_id) x ` +
          "JOIN alert_subscribers s ON s.locality_id = x.locality_id AND s.state = 'active' AND s.whole_locality = 1",
      );
      params.push(...streets, ...streets);
    }
    if (categories) params.push(...categories);
    if (languages) params.push(...languages);
    const area =
      '(SELECT a.sid AS sid, CASE WHEN MAX(a.whole) = 1 THEN NULL ELSE MIN(a.street_id) END AS street_id ' +
      `FROM (${parts.join(' UNION ALL ')}) a GROUP BY a.sid) m JOIN alert_subscribers s ON s.id = m.sid`;
    return { from: `${area} WHERE s.state = 'active'${interest}${reads}`, params, street: 'm.street_id' };
  }

  async count(spec: SubscribersAudience, opts: { emergency: boolean }): Promise<number> {
    const q = this.matched(spec, opts.emergency);
    const [row] = await this.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${q.from}`, q.params);
    return Number(row?.n ?? 0);
  }

  async members(spec: SubscribersAudience, opts: { emergency: boolean; limit?: number }): Promise<AudienceMember[]> {
    const q = this.matched(spec, opts.emergency);
    // The names are joined after the match, so the grouped part stays narrow.
    const sql =
      `SELECT s.phone AS phone, l.name AS locality, st.name AS street FROM (SELECT s.id AS sid, ${q.street} AS street_id FROM ${q.from}) p ` +
      'JOIN alert_subscribers s ON s.id = p.sid JOIN address_localities l ON l.id = s.locality_id LEFT JOIN address_streets st ON st.id = p.street_id ' +
      `ORDER BY s.id${opts.limit ? ` LIMIT ${Math.max(1, Math.floor(opts.limit))}` : ''}`;
    const rows = await this.query<{ phone: string; locality: string | null; street: string | null }>(sql, q.params);
    return rows.map((r) => ({ phone: r.phone, locality: r.locality ?? null, street: r.street ?? null }));
  }
}
