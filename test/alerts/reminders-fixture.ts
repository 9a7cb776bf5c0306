import { AlertCategoryEntity, SubscriberCategoryEntity, SubscriberEntity, SubscriberStreetEntity } from '../../server/alerts/entities';
import type { TestServer } from '../support/server';

/** A subscriber written straight through the mappings (subscribing by code is the subscriptions suite's work). */
export async function addSubscriber(
  s: TestServer,
  x: { phone: string; locality: number; streets?: number[]; categories?: string[]; language?: string; state?: 'active' | 'left' },
): Promise<number> {
  const now = new Date();
  return s.app.db.transaction(async (m) => {
    const sub = await m.getRepository(SubscriberEntity).save({
      phone: x.phone,
      localityId: x.locality,
      wholeLocality: !x.streets?.length,
      language: x.language ?? 'pl',
      state: x.state ?? 'active',
      createdAt: now,
      updatedAt: now,
      leftAt: x.state === 'left' ? now : null,
    });
    for (const streetId of x.streets ?? []) await m.getRepository(SubscriberStreetEntity).insert({ subscriberId: sub.id, streetId });
    for (const categoryCode of x.categories ?? []) await m.getRepository(SubscriberCategoryEntity).insert({ subscriberId: sub.id, categoryCode });
    return sub.id;
  });
}

export async function addTaxesCategory(s: TestServer): Promise<void> {
  await s.app.db.dataSource.manager.getRepository(AlertCategoryEntity).insert({ code: 'taxes', name: 'Podatki i opłaty', updatedAt: new Date() });
}

/** A CSV body posted to a reminder import. */
export async function postCsv(s: TestServer, path: string, token: string, body: string | Buffer, type = 'text/csv') {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Every row of the reminder tables, to prove a refused request changed nothing. */
export async function reminderRows(s: TestServer): Promise<string> {
  const tables = ['reminder_waste_collections', 'reminder_power_cuts', 'reminder_overdue_payments', 'reminder_dispatches', 'reminder_settings'];
  return JSON.stringify(await Promise.all(tables.map((t) => s.app.db.dataSource.query(`SELECT * FROM ${t} ORDER BY id`))));
}
