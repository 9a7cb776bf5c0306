import type { AlertsOptions } from '../../server/alerts/module';
import { AlertCategoryEntity, LocalityEntity, StreetEntity } from '../../server/alerts/entities';
import type { Engine } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';

/** Our default SMS number, and the alerts department's own. */
export const DEFAULT_NUMBER = '+4759440000';
export const ALERTS_NUMBER = '+4759440099';

export interface AlertsWorld {
  s: TestServer;
  standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  /** Advances the server's clock (code expiry). */
  advance(ms: number): void;
  ids: { skorzewo: number; dopiewo: number; dzialkowa: number; lipowa: number; glowna: number };
  close(): Promise<void>;
}

/**
 * A server with Twilio pointed at the local stand-in (whose `messages` are every SMS sent), an
 * alerts department with its own number, and a small register written straight through the
 * mappings (the import is the register room's work): two localities, their streets, categories.
 */
export async function startAlertsWorld(
  engine: Engine,
  opts: { alertsDepartment?: boolean; env?: Record<string, string>; prefix?: string; keepDatabase?: boolean; alerts?: AlertsOptions } = {},
): Promise<AlertsWorld> {
  let offset = 0;
  const standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
  const s: TestServer = await startServer(engine, {
    env: { ...standin.env, ...opts.env },
    clock: () => new Date(Date.now() + offset),
    ...(opts.prefix ? { jobs: { prefix: opts.prefix } } : {}),
    keepDatabase: opts.keepDatabase,
    ...(opts.alerts ? { alerts: opts.alerts } : {}),
  });
  const switchboard = await s.department('switchboard');
  const alerts = await s.department('alerts');
  await s.app.db.transaction(async (m) => {
    await s.app.register.departments.addAddress({ departmentId: switchboard, channel: 'sms', address: DEFAULT_NUMBER, isDefault: true }, m);
    if (opts.alertsDepartment ?? true)
      await s.app.register.departments.addAddress({ departmentId: alerts, channel: 'sms', address: ALERTS_NUMBER, isDefault: false }, m);
  });
  const now = new Date();
  const ids = await s.app.db.transaction(async (m) => {
    const loc = m.getRepository(LocalityEntity);
    const st = m.getRepository(StreetEntity);
    const skorzewo = await loc.save({ code: '0591110', name: 'Skórzewo', nameKey: 'skorzewo', area: '3021032', source: 'teryt', updatedAt: now });
    const dopiewo = await loc.save({ code: '0591050', name: 'Dopiewo', nameKey: 'dopiewo', area: '3021032', source: 'teryt', updatedAt: now });
    const dzialkowa = await st.save({ localityId: skorzewo.id, code: '04497', name: 'ul. Działkowa', nameKey: 'dzialkowa', updatedAt: now });
    const lipowa = await st.save({ localityId: skorzewo.id, code: '12032', name: 'ul. Lipowa', nameKey: 'lipowa', updatedAt: now });
    const glowna = await st.save({ localityId: dopiewo.id, code: '05598', name: 'ul. Główna', nameKey: 'glowna', updatedAt: now });
    await m.getRepository(AlertCategoryEntity).insert([
      { code: 'emergency', name: 'Alarmy', updatedAt: now },
      { code: 'water-roads', name: 'Woda i drogi', updatedAt: now },
      { code: 'waste', name: 'Odpady', updatedAt: now },
    ]);
    return { skorzewo: skorzewo.id, dopiewo: dopiewo.id, dzialkowa: dzialkowa.id, lipowa: lipowa.id, glowna: glowna.id };
  });
  return {
    s,
    standin,
    ids,
    advance: (ms) => (offset += ms),
    async close() {
      await s.close();
      await standin.close();
    },
  };
}

let client = 0;
/** A fresh client address per call (the server believes X-Forwarded-For from loopback), so per-client limits do not mix tests. */
export const freshClient = () => ({ 'x-forwarded-for': `10.20.${Math.floor(++client / 250)}.${(client % 250) + 1}` });

/** The newest SMS the stand-in took for a number. */
export function lastSmsTo(world: AlertsWorld, phone: string) {
  return world.standin.messages.filter((m) => m.params.To === phone).at(-1) ?? null;
}

/** Asks for a code over HTTP and reads it from the SMS. */
export async function codeFor(world: AlertsWorld, phone: string, headers: Record<string, string> = freshClient()): Promise<string> {
  const before = world.standin.messages.length;
  const r = await world.s.api('POST', '/public/alerts/code', { body: { phone }, headers });
  if (r.status !== 202) throw new Error(`code request ${r.status} ${JSON.stringify(r.body)}`);
  const sms = world.standin.messages.slice(before).find((m) => m.params.To === phone);
  if (!sms) throw new Error(`no code SMS to ${phone}`);
  return /\b(\d{6})\b/.exec(sms.params.Body)![1];
}

/** Rows of the subscription tables, to prove a refused request changed nothing. */
export async function subscriptionRows(s: TestServer): Promise<string> {
  const tables = ['alert_subscribers', 'alert_subscriber_streets', 'alert_subscriber_categories', 'alert_consents'];
  const dumps = await Promise.all(tables.map((t) => s.app.db.dataSource.query(`SELECT * FROM ${t} ORDER BY id`) as Promise<unknown[]>));
  return JSON.stringify(dumps);
}
