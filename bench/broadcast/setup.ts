/*
 * What bench/broadcast's runs share: a MariaDB database of their own with the sender's department
 * and two people with TOTP, residents seeded by SQL, the product's environment, and its API.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { authenticator } from 'otplib';
import { openDatabase } from '../../server/core/db/database';
import { DepartmentRepository } from '../../server/register/departments.repository';
import { UserRepository } from '../../server/auth/users.repository';
import { hashPassword } from '../../server/auth/passwords';
import { schema } from '../../ormconfig';
import { STANDIN_ACCOUNT_SID, STANDIN_AUTH_TOKEN } from '../../test/support/twilio-standin';

export const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
export const SUBSCRIBERS = arg('subscribers', 100_000);
const LOCALITIES = 50;
const STREETS_PER_LOCALITY = 100;
export const SENDER = '+4759440099';
const PASSWORD = 'bench-broadcast-password-1';
export const ADMIN_URL = process.env.MARIADB_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/';
const CATEGORIES = ['emergency', 'water', 'waste', 'culture', 'sport'];

export const log = (s: string) => console.log(`[broadcast] ${s}`);
export const secs = (ms: number) => (ms / 1000).toFixed(2);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The parts of the product's answers the bench reads (a log-in's token, a send's view). */
export interface Answer {
  token: string;
  id: number;
  state: string;
  recipients: number;
  dispatched?: number;
  statuses?: Record<string, number>;
}

export async function api(url: string, method: string, token: string | null, body?: unknown): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => ({}))) as Answer;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

/** Places, people and interests by SQL, in multi-row statements: the bench's own data, not a measured path. */
export async function seed(conn: mysql.Connection): Promise<{ streetIds: number[][] }> {
  const t = performance.now();
  const now = new Date();
  const streetIds: number[][] = [];
  await conn.query('INSERT INTO alert_categories (code, name, updated_at) VALUES ?', [CATEGORIES.map((c) => [c, c, now])]);
  for (let l = 0; l < LOCALITIES; l++) {
    const [r] = (await conn.query("INSERT INTO address_localities (code, name, name_key, source, updated_at) VALUES (?, ?, ?, 'teryt', ?)", [
      `L${l}`,
      `Miejscowość ${l}`,
      `miejscowosc ${l}`,
      now,
    ])) as [mysql.ResultSetHeader, unknown];
    const localityId = r.insertId;
    await conn.query('INSERT INTO address_streets (locality_id, code, name, name_key, updated_at) VALUES ?', [
      Array.from({ length: STREETS_PER_LOCALITY }, (_, s) => [localityId, `S${s}`, `ul. Ulica ${l}-${s}`, `ulica ${l}-${s}`, now]),
    ]);
    const [rows] = (await conn.query('SELECT id FROM address_streets WHERE locality_id = ? ORDER BY id', [localityId])) as [{ id: number }[], unknown];
    streetIds.push(rows.map((x) => x.id));
  }
  const [locs] = (await conn.query('SELECT id FROM address_localities ORDER BY id')) as [{ id: number }[], unknown];
  for (let i = 0; i < SUBSCRIBERS; i += 5000) {
    const n = Math.min(5000, SUBSCRIBERS - i);
    const [r] = (await conn.query('INSERT INTO alert_subscribers (phone, locality_id, whole_locality, language, state, created_at, updated_at) VALUES ?', [
      Array.from({ length: n }, (_, k) => [
        `+48500${String(i + k).padStart(6, '0')}`,
        locs[(i + k) % LOCALITIES].id,
        (i + k) % 5 === 0 ? 1 : 0,
        'pl',
        'active',
        now,
        now,
      ]),
    ])) as [mysql.ResultSetHeader, unknown];
    const first = r.insertId; // one multi-row INSERT on a private database: consecutive ids
    const streets: [number, number][] = [];
    const cats: [number, string][] = [];
    for (let k = 0; k < n; k++) {
      const i2 = i + k;
      const id = first + k;
      const own = streetIds[i2 % LOCALITIES];
      if (i2 % 5 !== 0) {
        const s1 = (i2 * 7) % STREETS_PER_LOCALITY;
        streets.push([id, own[s1]]);
        if (i2 % 3 === 0) streets.push([id, own[(s1 + 1) % STREETS_PER_LOCALITY]]);
      }
      cats.push([id, CATEGORIES[i2 % 5]]);
      if (i2 % 2) cats.push([id, CATEGORIES[(i2 + 2) % 5]]);
    }
    if (streets.length) await conn.query('INSERT INTO alert_subscriber_streets (subscriber_id, street_id) VALUES ?', [streets]);
    await conn.query('INSERT INTO alert_subscriber_categories (subscriber_id, category_code) VALUES ?', [cats]);
  }
  log(`seeded ${SUBSCRIBERS} subscribers over ${LOCALITIES * STREETS_PER_LOCALITY} streets in ${LOCALITIES} localities in ${secs(performance.now() - t)} s`);
  return { streetIds };
}

/** A database of its own with the schema, the sender's department, and an officer and an admin with TOTP. */
export async function createBenchDatabase() {
  const name = `st_bench_broadcast_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: ADMIN_URL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const db = await openDatabase(databaseUrl, schema);
  const secrets = { officer: authenticator.generateSecret(20), admin: authenticator.generateSecret(20) };
  try {
    const clock = () => new Date();
    const departments = new DepartmentRepository({ db, clock });
    const users = new UserRepository({ db, clock });
    const passwordHash = await hashPassword(PASSWORD, 10);
    await db.transaction(async (m) => {
      const d = await departments.create({ code: 'varsling', name: 'Varsling', menuDigit: null }, m);
      await departments.addAddress({ departmentId: d.id, channel: 'sms', address: SENDER, isDefault: true }, m);
      for (const role of ['officer', 'admin'] as const) {
        const x = await users.create({ email: `${role}@broadcast.bench`, name: role, passwordHash, role, departmentIds: [d.id] }, m);
        await users.update(x.id, { totpSecret: secrets[role], totpEnabled: true }, m);
      }
    });
  } finally {
    await db.close();
  }
  const login = async (url: string, role: 'officer' | 'admin') =>
    (await api(`${url}/api/auth/login`, 'POST', null, { email: `${role}@broadcast.bench`, password: PASSWORD, totp: authenticator.generate(secrets[role]) }))
      .token;
  return { name, databaseUrl, login };
}

export async function dropBenchDatabase(name: string): Promise<void> {
  const c = await mysql.createConnection({ uri: ADMIN_URL });
  await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await c.end();
}

/** The product in production mode, Twilio at the stand-in, quiet logging. */
export const productEnv = (databaseUrl: string, standinUrl: string, extra: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: 'production',
  DEMO_DATA: 'off',
  DATABASE_URL: databaseUrl,
  PUBLIC_BASE_URL: 'https://servicetorg.bench.invalid',
  TWILIO_ACCOUNT_SID: STANDIN_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: STANDIN_AUTH_TOKEN,
  TWILIO_API_URL: standinUrl,
  LOG_LEVEL: 'warn',
  ...extra,
});
