/*
 * bench/register — the caller-ID screen pop against the bare indexed SELECTs, on a full-size register.
 *
 *   npx tsx bench/register/run.ts          (npm run bench:register)
 *
 * 1. Opens (creates) a dedicated MariaDB database, runs the migrations, and fills it with
 *    1,000,000 contacts, 2,000,000 cases and 5,000,000 inquiries by batched multi-row INSERTs.
 *    A database that already holds exactly that data is left as it is, so re-runs go straight to 2.
 * 2. Looks up ~20,000 numbers (about 10 % unknown) sequentially, each both through the product's
 *    ContactService.callerContext and through three bare mysql2 SELECTs that return the same rows,
 *    interleaved in one process, for an admin scope and for a department-limited agent scope.
 *    Prints p50/p90/p99/max, the ratios, whether the goals hold, and how many results disagreed.
 *
 * Environment:
 *   BENCH_DATABASE_URL   default mysql://root@127.0.0.1:3306/st_bench (host must be 127.0.0.1)
 *   BENCH_SCALE          fraction of the full size, for a quick trial run (default 1)
 *   BENCH_LOOKUPS        lookups per scope (default 20000)
 *   BENCH_BUFFER_POOL    innodb_buffer_pool_size to raise to, bytes (default 2147483648; 0 = leave it)
 *   BENCH_MEASURE_SECONDS  time cap per scope for the measured loop (default 300)
 */
import 'reflect-metadata';
import os from 'node:os';
import mysql from 'mysql2/promise';
import { openDatabase, type Database } from '../../server/core/db/database';
import { ContactService, type CallerContext } from '../../server/register/contacts.service';
import type { Scope } from '../../server/core/access';
import { AuditRepository } from '../../server/core/audit.repository';
import { CaseRepository } from '../../server/register/cases.repository';
import { ContactRepository } from '../../server/register/contacts.repository';
import { DepartmentRepository } from '../../server/register/departments.repository';
import { InquiryRepository } from '../../server/register/inquiries.repository';
import { schema } from '../../ormconfig';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/st_bench';
const SCALE = Number(process.env.BENCH_SCALE || '1');
const LOOKUPS = Math.max(100, Math.floor(Number(process.env.BENCH_LOOKUPS || '20000')));
const BUFFER_POOL = Number(process.env.BENCH_BUFFER_POOL ?? '2147483648');
const MEASURE_CAP_MS = Number(process.env.BENCH_MEASURE_SECONDS || '300') * 1000;

const N_CONTACTS = Math.round(1_000_000 * SCALE);
const N_CASES = Math.round(2_000_000 * SCALE);
const N_INQUIRIES = Math.round(5_000_000 * SCALE);
const ROWS_PER_INSERT = 5000;

const GOAL_P99_MS = 5;
const GOAL_RATIO = 3;

const url = new URL(DATABASE_URL.replace(/^mariadb:/, 'mysql:'));
if (url.hostname !== '127.0.0.1') {
  console.error(`BENCH_DATABASE_URL must point at 127.0.0.1, not ${url.hostname}`);
  process.exit(2);
}
const DB_NAME = decodeURIComponent(url.pathname.replace(/^\//, ''));
if (!/^[A-Za-z0-9_]+$/.test(DB_NAME)) {
  console.error(`BENCH_DATABASE_URL needs a plain database name, got "${DB_NAME}"`);
  process.exit(2);
}
const serverUrl = new URL(url.toString());
serverUrl.pathname = '/';

// ---------------------------------------------------------------------------------------------
// Deterministic data: the same seed gives the same register on every run

/** A small 32-bit PRNG (xorshift with a multiply), enough for spreading test data. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return Math.imul(s, 0x9e3779b1) >>> 0;
  };
  return {
    float: () => next() / 4294967296,
    int: (n: number) => Math.floor((next() / 4294967296) * n),
  };
}
type Rng = ReturnType<typeof rng>;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(xs.length)];

/*
 * Phone numbers: a bijection from index to the 20,000,000 Norwegian mobile numbers +474xxxxxxx and
 * +479xxxxxxx, so contact i has a unique, scattered number and indices past N_CONTACTS give numbers
 * that nobody has.
 */
const NUMBER_SPACE = 20_000_000;
const STRIDE = 7_654_321; // odd and not a multiple of 5: coprime with 20,000,000
function numberOf(i: number): string {
  const k = Number((BigInt(i) * BigInt(STRIDE) + 1_234_567n) % BigInt(NUMBER_SPACE));
  const prefix = k < 10_000_000 ? '4' : '9';
  return `+47${prefix}${String(k % 10_000_000).padStart(7, '0')}`;
}

const FIRST = [
  'Ola',
  'Kari',
  'Nora',
  'Emma',
  'Jakob',
  'Lukas',
  'Ingrid',
  'Sofie',
  'Henrik',
  'Åse',
  'Bjørn',
  'Sigrid',
  'Magnus',
  'Ida',
  'Håkon',
  'Tone',
  'Lars',
  'Marit',
  'Eirik',
  'Solveig',
  'Ahmed',
  'Fatima',
  'Piotr',
  'Agnieszka',
  'Mohammed',
  'Linnea',
  'Per',
  'Astrid',
  'Jon',
  'Ragnhild',
];
const LAST = [
  'Hansen',
  'Johansen',
  'Olsen',
  'Larsen',
  'Andersen',
  'Pedersen',
  'Nilsen',
  'Kristiansen',
  'Jensen',
  'Karlsen',
  'Johnsen',
  'Pettersen',
  'Eriksen',
  'Berg',
  'Haugen',
  'Hagen',
  'Johannessen',
  'Andreassen',
  'Jacobsen',
  'Dahl',
  'Jørgensen',
  'Halvorsen',
  'Lund',
  'Sæther',
  'Bakke',
  'Strand',
  'Lie',
  'Moen',
  'Ødegård',
  'Kowalski',
];
const STREETS = [
  'Storgata',
  'Kirkeveien',
  'Skolegata',
  'Fjordveien',
  'Bjørkelia',
  'Sjøgata',
  'Granveien',
  'Kongens gate',
  'Elvebakken',
  'Solbakken',
  'Møllerveien',
  'Havnegata',
];
const PLACES = [
  ['5003', 'Bergen'],
  ['7011', 'Trondheim'],
  ['4006', 'Stavanger'],
  ['9008', 'Tromsø'],
  ['3015', 'Drammen'],
  ['1606', 'Fredrikstad'],
  ['2317', 'Hamar'],
  ['6002', 'Ålesund'],
  ['8006', 'Bodø'],
  ['0150', 'Oslo'],
] as const;
const DEPARTMENTS = [
  ['bench-byggesak', 'Byggesak'],
  ['bench-helse', 'Helse og omsorg'],
  ['bench-skole', 'Skole'],
  ['bench-barnehage', 'Barnehage'],
  ['bench-nav', 'NAV'],
  ['bench-teknisk', 'Teknisk drift'],
  ['bench-skatt', 'Eiendomsskatt'],
  ['bench-kultur', 'Kultur og idrett'],
] as const;
const DEPT_WEIGHTS = [22, 20, 14, 12, 12, 10, 6, 4];
const CASE_TITLES = [
  'Søknad om byggetillatelse',
  'Klage på vedtak',
  'Søknad om barnehageplass',
  'Hjemmetjenester',
  'Søknad om skoleskyss',
  'Eiendomsskatt – klage',
  'Tilskudd til lag og foreninger',
  'Vann og avløp – lekkasje',
  'Søknad om startlån',
  'Parkeringstillatelse',
  'Søknad om avlastning',
  'Nabovarsel – innsigelse',
];
const OPEN_STATUSES = ['Mottatt', 'Under behandling', 'Venter på dokumentasjon', 'Til uttalelse'];
const CLOSED_STATUSES = ['Avsluttet', 'Vedtak fattet', 'Trukket'];
const PHRASES = [
  'Innbygger ringte om status i saken',
  'ønsker å vite når vedtaket kommer',
  'har sendt inn manglende dokumentasjon',
  'spør om frist for klage',
  'lurer på hvorfor fakturaen er høyere enn i fjor',
  'ber om å bli ringt opp av saksbehandler',
  'melder om vannlekkasje i kjelleren',
  'vil endre adresse for brev',
  'trenger hjelp med søknadsskjemaet på nett',
  'takker for rask behandling',
  'ønsker møte med rektor',
  'opplyser at barnet skal begynne i ny barnehage',
  'har fått brev som hun ikke forstår',
  'spør om åpningstider i romjulen',
  'vil klage på brøytingen i gaten',
  'ber om kopi av vedtaket',
  'informert om videre saksgang',
  'viderekoblet til fagavdelingen',
];
const CHANNELS = ['phone', 'sms', 'email', 'web'] as const;
const CHANNEL_WEIGHTS = [45, 25, 20, 10];

function weighted(r: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r.int(total);
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

function summary(r: Rng): string {
  let s = pick(r, PHRASES);
  s = s[0].toUpperCase() + s.slice(1);
  for (;;) {
    const next = `${s}, ${pick(r, PHRASES)}`;
    if (next.length > 150) break;
    s = next;
    if (s.length >= 80 && r.float() < 0.4) break;
  }
  if (s.length < 80) s = `${s}. Notert av saksbehandler ved ${pick(r, ['servicetorget', 'sentralbordet', 'fagavdelingen'])}`;
  return s.slice(0, 150) + '.';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function sqlDate(ms: number): string {
  const d = new Date(ms);
  return `'${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}'`;
}
const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replace(/[\\']/g, '\\$&')}'`);

const START_MS = Date.UTC(2019, 0, 1);
const SPAN_MS = Date.UTC(2025, 0, 1) - START_MS;

/**
 * Who is party to which case, and each case's department: drawn once up front (cheap), so the
 * inquiry fill can tie an inquiry to one of its contact's cases, and the expected link count is
 * known without filling.
 */
interface Plan {
  casePrimary: Int32Array;
  caseSecondary: Int32Array; // 0 = none
  caseDept: Uint8Array; // index into DEPARTMENTS
  caseOpen: Uint8Array;
  links: number;
  contactCaseStart: Int32Array; // CSR: cases of contact c are contactCases[start[c] .. start[c+1])
  contactCases: Int32Array;
}

function makePlan(): Plan {
  const r = rng(20241101);
  const casePrimary = new Int32Array(N_CASES + 1);
  const caseSecondary = new Int32Array(N_CASES + 1);
  const caseDept = new Uint8Array(N_CASES + 1);
  const caseOpen = new Uint8Array(N_CASES + 1);
  let links = 0;
  const perContact = new Int32Array(N_CONTACTS + 2);
  for (let j = 1; j <= N_CASES; j++) {
    const a = 1 + r.int(N_CONTACTS);
    casePrimary[j] = a;
    perContact[a]++;
    links++;
    // One case in ten has a second party (a spouse, a guardian, a neighbour).
    if (r.float() < 0.1) {
      let b = 1 + r.int(N_CONTACTS);
      if (b === a) b = (a % N_CONTACTS) + 1;
      caseSecondary[j] = b;
      perContact[b]++;
      links++;
    }
    caseDept[j] = weighted(r, DEPT_WEIGHTS);
    // Older cases are mostly closed; the newest third is mostly open. About a third are open overall.
    const openShare = 3 * j > 2 * N_CASES ? 0.7 : 0.15;
    caseOpen[j] = r.float() < openShare ? 1 : 0;
  }
  const contactCaseStart = new Int32Array(N_CONTACTS + 2);
  for (let c = 1; c <= N_CONTACTS + 1; c++) contactCaseStart[c] = contactCaseStart[c - 1] + perContact[c - 1];
  const fillAt = contactCaseStart.slice();
  const contactCases = new Int32Array(links);
  for (let j = 1; j <= N_CASES; j++) {
    contactCases[fillAt[casePrimary[j]]++] = j;
    if (caseSecondary[j]) contactCases[fillAt[caseSecondary[j]]++] = j;
  }
  return { casePrimary, caseSecondary, caseDept, caseOpen, links, contactCaseStart, contactCases };
}

// ---------------------------------------------------------------------------------------------
// Fill

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmtN = (n: number) => n.toLocaleString('en-US');
const log = (s: string) => console.log(s);

/** Runs INSERT statements from a generator, keeping one in flight while the next is built. */
async function insertAll(conn: mysql.Connection, table: string, total: number, batches: Generator<string>): Promise<number> {
  const t0 = Date.now();
  let done = 0;
  let nextReport = 0.1;
  let inFlight: Promise<unknown> | null = null;
  for (const sql of batches) {
    if (inFlight) await inFlight;
    inFlight = conn.query(sql);
    done = Math.min(total, done + ROWS_PER_INSERT);
    if (done / total >= nextReport) {
      const el = Date.now() - t0;
      log(
        `  ${table}: ${fmtN(done)} / ${fmtN(total)} (${Math.round((100 * done) / total)} %) ${fmtS(el)}, ${fmtN(Math.round(done / (el / 1000 || 1)))} rows/s`,
      );
      while (done / total >= nextReport) nextReport += 0.1;
    }
  }
  if (inFlight) await inFlight;
  const ms = Date.now() - t0;
  log(`  ${table}: ${fmtN(total)} rows in ${fmtS(ms)}`);
  return ms;
}

function* rows(total: number, header: string, row: (i: number) => string): Generator<string> {
  for (let from = 1; from <= total; from += ROWS_PER_INSERT) {
    const to = Math.min(total, from + ROWS_PER_INSERT - 1);
    const parts = new Array<string>(to - from + 1);
    for (let i = from; i <= to; i++) parts[i - from] = row(i);
    yield `${header} VALUES ${parts.join(',')}`;
  }
}

const FILL_TABLES = ['message_events', 'messages', 'inquiries', 'case_contacts', 'cases', 'contact_emails', 'contact_phones', 'contacts'];

async function counts(conn: mysql.Connection): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['contacts', 'contact_phones', 'cases', 'case_contacts', 'inquiries']) {
    const [r] = await conn.query(`SELECT COUNT(*) AS n FROM \`${t}\``);
    out[t] = Number((r as { n: number }[])[0].n);
  }
  return out;
}

async function ensureDepartments(conn: mysql.Connection): Promise<number[]> {
  for (const [code, name] of DEPARTMENTS) {
    await conn.query('INSERT IGNORE INTO departments (code, name, menu_digit, created_at) VALUES (?, ?, NULL, UTC_TIMESTAMP(3))', [code, name]);
  }
  const [r] = await conn.query('SELECT id, code FROM departments WHERE code IN (?)', [DEPARTMENTS.map((d) => d[0])]);
  const byCode = new Map((r as { id: number; code: string }[]).map((x) => [x.code, x.id]));
  return DEPARTMENTS.map(([code]) => byCode.get(code)!);
}

async function fill(conn: mysql.Connection, plan: Plan, deptIds: number[]) {
  const expected = { contacts: N_CONTACTS, contact_phones: N_CONTACTS, cases: N_CASES, case_contacts: plan.links, inquiries: N_INQUIRIES };
  const tc = Date.now();
  const have = await counts(conn);
  log(
    `Row counts now: ${Object.entries(have)
      .map(([t, n]) => `${t}=${fmtN(n)}`)
      .join(', ')} (counted in ${fmtS(Date.now() - tc)})`,
  );
  if (Object.entries(expected).every(([t, n]) => have[t] === n)) {
    log('Fill: skipped, the register is already there at the expected counts.');
    return;
  }

  log(
    `Fill: ${fmtN(N_CONTACTS)} contacts, ${fmtN(N_CASES)} cases (${fmtN(plan.links)} case links), ${fmtN(N_INQUIRIES)} inquiries, ${fmtN(ROWS_PER_INSERT)} rows per INSERT`,
  );
  await conn.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
  for (const t of FILL_TABLES) await conn.query(`TRUNCATE TABLE \`${t}\``);
  const times: [string, number][] = [];
  const t0 = Date.now();

  // Contacts and their numbers.
  {
    const r = rng(1);
    const header = 'INSERT INTO contacts (id, name, kind, address, postal_code, city, language, created_at, updated_at)';
    times.push([
      'contacts',
      await insertAll(
        conn,
        'contacts',
        N_CONTACTS,
        rows(N_CONTACTS, header, (i) => {
          const org = r.float() < 0.04;
          const name = org ? `${pick(r, LAST)} ${pick(r, ['AS', 'Eiendom AS', 'Bygg AS', 'Borettslag'])}` : `${pick(r, FIRST)} ${pick(r, LAST)}`;
          const [postal, city] = pick(r, PLACES);
          const created = sqlDate(START_MS + Math.floor((i / N_CONTACTS) * SPAN_MS));
          return `(${i},${q(name)},'${org ? 'organisation' : 'person'}',${q(`${pick(r, STREETS)} ${1 + r.int(120)}`)},'${postal}',${q(city)},${r.float() < 0.9 ? "'nb'" : "'en'"},${created},${created})`;
        }),
      ),
    ]);
    times.push([
      'contact_phones',
      await insertAll(
        conn,
        'contact_phones',
        N_CONTACTS,
        rows(N_CONTACTS, 'INSERT INTO contact_phones (id, contact_id, e164)', (i) => `(${i},${i},'${numberOf(i)}')`),
      ),
    ]);
  }

  // Cases and who is party to them.
  {
    const r = rng(2);
    const header =
      'INSERT INTO cases (id, case_number, title, status, status_spoken, is_open, department_id, caseworker_id, category, created_by, created_at, updated_at)';
    times.push([
      'cases',
      await insertAll(
        conn,
        'cases',
        N_CASES,
        rows(N_CASES, header, (j) => {
          const createdMs = START_MS + Math.floor((j / N_CASES) * SPAN_MS);
          const open = plan.caseOpen[j] === 1;
          const year = new Date(createdMs).getUTCFullYear();
          const status = open ? pick(r, OPEN_STATUSES) : pick(r, CLOSED_STATUSES);
          return `(${j},'${year}/${pad(j, 7)}',${q(pick(r, CASE_TITLES))},${q(status)},NULL,${open ? 1 : 0},${deptIds[plan.caseDept[j]]},NULL,NULL,NULL,${sqlDate(createdMs)},${sqlDate(createdMs + r.int(90) * 86_400_000)})`;
        }),
      ),
    ]);
    function* links(): Generator<string> {
      let parts: string[] = [];
      for (let j = 1; j <= N_CASES; j++) {
        parts.push(`(${j},${plan.casePrimary[j]},'part')`);
        if (plan.caseSecondary[j]) parts.push(`(${j},${plan.caseSecondary[j]},'medpart')`);
        if (parts.length >= ROWS_PER_INSERT) {
          yield `INSERT INTO case_contacts (case_id, contact_id, role) VALUES ${parts.join(',')}`;
          parts = [];
        }
      }
      if (parts.length) yield `INSERT INTO case_contacts (case_id, contact_id, role) VALUES ${parts.join(',')}`;
    }
    times.push(['case_contacts', await insertAll(conn, 'case_contacts', plan.links, links())]);
  }

  // Inquiries: about five per contact, a third to two fifths tied to one of the contact's cases.
  {
    const r = rng(3);
    const header =
      'INSERT INTO inquiries (id, channel, direction, state, department_id, assignee_id, contact_id, case_id, subject, summary, channel_address, citizen_address, created_at, last_activity_at, closed_at)';
    times.push([
      'inquiries',
      await insertAll(
        conn,
        'inquiries',
        N_INQUIRIES,
        rows(N_INQUIRIES, header, (n) => {
          const contact = 1 + r.int(N_CONTACTS);
          const channel = CHANNELS[weighted(r, CHANNEL_WEIGHTS)];
          const start = plan.contactCaseStart[contact];
          const own = plan.contactCaseStart[contact + 1] - start;
          let caseId = 0;
          if (own > 0 && r.float() < 0.4) caseId = plan.contactCases[start + r.int(own)];
          const dept = caseId ? plan.caseDept[caseId] : weighted(r, DEPT_WEIGHTS);
          const createdMs = START_MS + Math.floor((n / N_INQUIRIES) * SPAN_MS);
          const recent = n > N_INQUIRIES * 0.97;
          const state = recent ? pick(r, ['open', 'waiting', 'closed'] as const) : 'closed';
          const lastMs = createdMs + r.int(3 * 86_400_000);
          const citizen =
            channel === 'phone' || channel === 'sms' ? `'${numberOf(contact)}'` : channel === 'email' ? `'innbygger${contact}@example.no'` : 'NULL';
          const ours = channel === 'phone' || channel === 'sms' ? "'+4755500000'" : channel === 'email' ? "'post@kommune.example.no'" : 'NULL';
          return `(${n},'${channel}','${r.float() < 0.88 ? 'in' : 'out'}','${state}',${deptIds[dept]},NULL,${contact},${caseId || 'NULL'},${channel === 'email' ? "'Henvendelse'" : 'NULL'},${q(summary(r))},${ours},${citizen},${sqlDate(createdMs)},${sqlDate(lastMs)},${state === 'closed' ? sqlDate(lastMs) : 'NULL'})`;
        }),
      ),
    ]);
  }

  await conn.query('SET SESSION foreign_key_checks = 1, unique_checks = 1');
  const fillMs = Date.now() - t0;
  const ta = Date.now();
  for (const t of ['contacts', 'contact_phones', 'cases', 'case_contacts', 'inquiries']) await conn.query(`ANALYZE TABLE \`${t}\``);
  const analyzeMs = Date.now() - ta;
  log('Fill times:');
  for (const [t, ms] of times) log(`  ${t.padEnd(15)} ${fmtS(ms).padStart(9)}`);
  log(
    `  ${'total'.padEnd(15)} ${fmtS(fillMs).padStart(9)}  (${fmtN(N_CONTACTS * 2 + N_CASES + plan.links + N_INQUIRIES)} rows; ANALYZE TABLE afterwards ${fmtS(analyzeMs)})`,
  );
}

// ---------------------------------------------------------------------------------------------
// The two lookups

interface Comparable {
  contactId: number | null;
  caseNumbers: string[];
  caseDepartments: string[];
  inquiryIds: number[];
  inquiryCaseNumbers: (string | null)[];
}

const fromProduct = (c: CallerContext): Comparable => ({
  contactId: c.contact?.id ?? null,
  caseNumbers: c.cases.map((k) => k.caseNumber),
  caseDepartments: c.cases.map((k) => k.department),
  inquiryIds: c.inquiries.map((i) => i.id),
  inquiryCaseNumbers: c.inquiries.map((i) => i.caseNumber),
});

/**
 * The same screen pop in bare mysql2: contact by number, then its open cases and its last 20
 * inquiries side by side, as the product does. Department codes come from a map loaded once,
 * as the product's department cache does.
 */
function bareLookup(pool: mysql.Pool, deptCode: Map<number, string>) {
  return async (e164: string, scope: Scope) => {
    const [contactRows] = await pool.query('SELECT c.id, c.name FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ?', [e164]);
    const contact = (contactRows as { id: number; name: string | null }[])[0];
    if (!contact) return { from: e164, contact: null, cases: [], inquiries: [] };
    const deps = scope.all ? '' : ' AND k.department_id IN (?)';
    const ideps = scope.all ? '' : ' AND i.department_id IN (?)';
    const depArgs = scope.all ? [] : [scope.departmentIds];
    const [[caseRows], [inquiryRows]] = await Promise.all([
      pool.query(
        `SELECT k.id, k.case_number, k.title, k.status, k.department_id FROM case_contacts cc JOIN cases k ON k.id = cc.case_id WHERE cc.contact_id = ? AND k.is_open = 1${deps} ORDER BY k.id DESC LIMIT 50`,
        [contact.id, ...depArgs],
      ),
      pool.query(
        `SELECT i.id, i.channel, i.direction, i.created_at, i.summary, k.case_number FROM inquiries i LEFT JOIN cases k ON k.id = i.case_id WHERE i.contact_id = ?${ideps} ORDER BY i.id DESC LIMIT 20`,
        [contact.id, ...depArgs],
      ),
    ]);
    type CaseRow = { id: number; case_number: string; title: string; status: string; department_id: number };
    type InquiryRow = { id: number; channel: string; direction: 'in' | 'out'; created_at: Date; summary: string; case_number: string | null };
    return {
      from: e164,
      contact: { id: contact.id, name: contact.name },
      cases: (caseRows as CaseRow[]).map((k) => ({
        caseNumber: k.case_number,
        title: k.title,
        status: k.status,
        department: deptCode.get(k.department_id) ?? String(k.department_id),
      })),
      inquiries: (inquiryRows as InquiryRow[]).map((i) => ({
        id: i.id,
        channel: i.channel,
        direction: i.direction,
        createdAt: i.created_at,
        summary: i.summary,
        caseNumber: i.case_number,
      })),
    } as CallerContext;
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement

function percentiles(xs: number[]) {
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}
const ms3 = (x: number) => x.toFixed(3).padStart(8);

/** Captures the SQL TypeORM sends while fn runs, so it can be shown and EXPLAINed. */
async function captureSql(db: Database, fn: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }[]> {
  const ds = db.dataSource as unknown as { logger: Record<string, unknown> };
  const original = ds.logger;
  const seen: { sql: string; params: unknown[] }[] = [];
  ds.logger = new Proxy(original, {
    get(target, prop) {
      if (prop === 'logQuery') return (sql: string, params?: unknown[]) => seen.push({ sql, params: params ?? [] });
      return Reflect.get(target, prop) as unknown;
    },
  });
  try {
    await fn();
  } finally {
    ds.logger = original;
  }
  return seen;
}

async function explain(pool: mysql.Pool, label: string, sql: string, params: unknown[]) {
  // Database.batch sends its reads as one compound statement with the values inlined; EXPLAIN takes them one at a time.
  const compound = /^BEGIN NOT ATOMIC (.*); END$/s.exec(sql.trim());
  if (compound) {
    const parts = compound[1].split(/;\s*(?=SELECT\b)/);
    let used = 0;
    for (const [i, part] of parts.entries()) {
      // Each part takes as many of the batch's values as it has placeholders.
      const n = (part.match(/\?/g) ?? []).length;
      await explain(pool, `${label}.${i + 1}`, part, params.slice(used, used + n));
      used += n;
    }
    return;
  }
  const [rows] = await pool.query(`EXPLAIN ${sql}`, params);
  log(`  ${label}: ${sql.replace(/\s+/g, ' ')}`);
  for (const r of rows as Record<string, unknown>[]) {
    log(`    table=${r.table} type=${r.type} key=${r.key} key_len=${r.key_len} ref=${r.ref} rows=${r.rows} extra=${r.Extra ?? ''}`);
  }
}

/** InnoDB's count of pages it had to read from disk (buffer pool misses), server-wide. */
async function diskReads(pool: mysql.Pool): Promise<number> {
  const [r] = await pool.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'");
  return Number((r as { Value: string }[])[0]?.Value ?? 0);
}

async function main() {
  const started = Date.now();
  log(`bench/register: ${DATABASE_URL.replace(/\/\/[^@]*@/, '//***@')} scale=${SCALE} lookups/scope=${fmtN(LOOKUPS)}`);

  const admin = await mysql.createConnection({ uri: serverUrl.toString() });
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [[ver]] = (await admin.query('SELECT VERSION() AS v, @@innodb_buffer_pool_size AS bp')) as unknown as [{ v: string; bp: number }[]];
  log(`Server: MariaDB ${ver.v}, innodb_buffer_pool_size ${fmtN(Number(ver.bp))} bytes`);
  if (BUFFER_POOL > 0 && Number(ver.bp) < BUFFER_POOL) {
    await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${Math.floor(BUFFER_POOL)}`);
    for (let i = 0; i < 120; i++) {
      const [[now]] = (await admin.query('SELECT @@innodb_buffer_pool_size AS bp')) as unknown as [{ bp: number }[]];
      const [st] = await admin.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'");
      const status = String((st as { Value: string }[])[0]?.Value ?? '');
      if (Number(now.bp) >= BUFFER_POOL && !/resiz|withdraw|allocat/i.test(status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const [[after]] = (await admin.query('SELECT @@innodb_buffer_pool_size AS bp')) as unknown as [{ bp: number }[]];
    log(
      `Raised innodb_buffer_pool_size for this benchmark: SET GLOBAL innodb_buffer_pool_size = ${Math.floor(BUFFER_POOL)} → now ${fmtN(Number(after.bp))} bytes (not persisted; a server restart restores the configured size)`,
    );
  }
  await admin.end();

  // Schema through the product's own migrations.
  const db = await openDatabase(DATABASE_URL, schema);
  const fillConn = await mysql.createConnection({ uri: url.toString(), charset: 'utf8mb4_unicode_ci', timezone: 'Z' });
  const deptIds = await ensureDepartments(fillConn);
  const tp = Date.now();
  const plan = makePlan();
  log(`Plan: ${fmtN(plan.links)} case links drawn in ${fmtS(Date.now() - tp)}`);
  await fill(fillConn, plan, deptIds);
  await fillConn.end();

  // The product's objects, built as server/index.ts compose() builds them.
  const repos = {
    departments: new DepartmentRepository({ db, clock: () => new Date() }),
    audit: new AuditRepository({ db, clock: () => new Date() }),
    contacts: new ContactRepository({ db, clock: () => new Date() }),
    cases: new CaseRepository({ db }),
    inquiries: new InquiryRepository({ db }),
  };
  const service = new ContactService({ db, ...repos, defaultCountry: 'NO' });
  const product = (e164: string, scope: Scope) => service.callerContext(e164, scope);

  const pool = mysql.createPool({ uri: url.toString(), connectionLimit: 4, charset: 'utf8mb4_unicode_ci', timezone: 'Z', enableKeepAlive: true });
  const deptCode = new Map((await repos.departments.list()).map((d) => [d.id, d.code]));
  const bare = bareLookup(pool, deptCode);

  // The numbers to look up: existing ones at random, and about one in ten that nobody has.
  const r = rng(99);
  const numbers: string[] = [];
  for (let k = 0; k < LOOKUPS; k++)
    numbers.push(r.float() < 0.1 ? numberOf(N_CONTACTS + 1 + r.int(NUMBER_SPACE - N_CONTACTS - 1)) : numberOf(1 + r.int(N_CONTACTS)));

  // An agent in two mid-sized departments (about a quarter of the cases and inquiries).
  const agentScope: Scope = { all: false, departmentIds: [deptIds[2], deptIds[4]] };
  const scopes: [string, Scope][] = [
    ['all (admin/records)', { all: true }],
    [`departments ${DEPARTMENTS[2][0]}+${DEPARTMENTS[4][0]} (agent)`, agentScope],
  ];

  // Show the SQL the product sends and how MariaDB plans it, next to the bare statements.
  {
    const probe = numberOf(1 + r.int(N_CONTACTS));
    for (const [label, scope] of scopes) {
      log(`\nQuery plans, scope ${label}, number ${probe}:`);
      const sent = await captureSql(db, () => product(probe, scope));
      for (const [i, s] of sent.entries()) await explain(pool, `product #${i + 1}`, s.sql, s.params);
    }
  }

  const summaryRows: string[] = [];
  let allGoalsMet = true;
  for (const [label, scope] of scopes) {
    log(`\n== Scope: ${label} ==`);
    // Warm-up: every number once through the bare path (brings the pages they touch into the
    // buffer pool), then a few thousand through both paths (JIT, pools, statement caches).
    const tw = Date.now();
    for (const e164 of numbers) await bare(e164, scope);
    for (let k = 0; k < Math.min(3000, numbers.length); k++) {
      await product(numbers[k], scope);
      await bare(numbers[k], scope);
    }
    log(`Warm-up: ${fmtN(numbers.length)} bare + ${fmtN(Math.min(3000, numbers.length))} of each in ${fmtS(Date.now() - tw)}`);

    const tProduct: number[] = [];
    const tBare: number[] = [];
    let mismatches = 0;
    let found = 0;
    let caseRows = 0;
    let inquiryRows = 0;
    const mismatchExamples: string[] = [];
    const loadBefore = os.loadavg()[0];
    const diskReadsBefore = await diskReads(pool);
    const tm = Date.now();
    for (let k = 0; k < numbers.length; k++) {
      if (Date.now() - tm > MEASURE_CAP_MS) {
        log(`Time cap of ${MEASURE_CAP_MS / 1000} s reached after ${fmtN(k)} lookups; stopping this scope.`);
        break;
      }
      const e164 = numbers[k];
      // Alternate which goes first, so neither always pays for (or profits from) the other.
      let p: CallerContext;
      let b: CallerContext;
      if (k % 2 === 0) {
        let t = process.hrtime.bigint();
        p = await product(e164, scope);
        tProduct.push(Number(process.hrtime.bigint() - t) / 1e6);
        t = process.hrtime.bigint();
        b = await bare(e164, scope);
        tBare.push(Number(process.hrtime.bigint() - t) / 1e6);
      } else {
        let t = process.hrtime.bigint();
        b = await bare(e164, scope);
        tBare.push(Number(process.hrtime.bigint() - t) / 1e6);
        t = process.hrtime.bigint();
        p = await product(e164, scope);
        tProduct.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      const a = JSON.stringify(fromProduct(p));
      const c = JSON.stringify(fromProduct(b));
      if (a !== c) {
        mismatches++;
        if (mismatchExamples.length < 3) mismatchExamples.push(`${e164}: product ${a} vs bare ${c}`);
      }
      if (p.contact) found++;
      caseRows += p.cases.length;
      inquiryRows += p.inquiries.length;
    }
    const measuredMs = Date.now() - tm;
    const diskReadsDuring = (await diskReads(pool)) - diskReadsBefore;
    const loadAfter = os.loadavg()[0];
    const P = percentiles(tProduct);
    const B = percentiles(tBare);
    log(
      `Lookups: ${fmtN(P.n)} (${fmtN(found)} known numbers, ${fmtN(P.n - found)} unknown), ${fmtN(caseRows)} open cases and ${fmtN(inquiryRows)} inquiries returned, ${fmtS(measuredMs)}; InnoDB pages read from disk meanwhile: ${fmtN(diskReadsDuring)}`,
    );
    // This process and MariaDB account for about 1.0-1.5 of it; more means something else shares the cores.
    log(
      `Load average (1 min) before/after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} on ${os.cpus().length} cores${Math.max(loadBefore, loadAfter) > 2 ? ' (other work was running: tail latencies include waiting for a core)' : ''}`,
    );
    log(`                         p50       p90       p99       max      mean   (ms)`);
    log(`  product (TypeORM) ${ms3(P.p50)}  ${ms3(P.p90)}  ${ms3(P.p99)}  ${ms3(P.max)}  ${ms3(P.mean)}`);
    log(`  bare mysql2       ${ms3(B.p50)}  ${ms3(B.p90)}  ${ms3(B.p99)}  ${ms3(B.max)}  ${ms3(B.mean)}`);
    const r50 = P.p50 / B.p50;
    const r99 = P.p99 / B.p99;
    log(`  ratio product/bare: p50 ${r50.toFixed(2)}×, p99 ${r99.toFixed(2)}×`);
    log(`  mismatches (contact id, case numbers, inquiry ids) on all ${fmtN(P.n)} compared lookups: ${mismatches}`);
    for (const m of mismatchExamples) log(`    e.g. ${m}`);
    const goalP99 = P.p99 <= GOAL_P99_MS;
    const goalRatio = r99 <= GOAL_RATIO && r50 <= GOAL_RATIO;
    log(
      `  goal p99 ≤ ${GOAL_P99_MS} ms: ${goalP99 ? 'MET' : 'MISSED'} (${P.p99.toFixed(3)} ms); goal ≤ ${GOAL_RATIO}× bare: ${goalRatio ? 'MET' : 'MISSED'} (p50 ${r50.toFixed(2)}×, p99 ${r99.toFixed(2)}×)`,
    );
    allGoalsMet &&= goalP99 && goalRatio && mismatches === 0;
    summaryRows.push(
      `  ${label}: product p50 ${P.p50.toFixed(3)} / p99 ${P.p99.toFixed(3)} ms, bare p50 ${B.p50.toFixed(3)} / p99 ${B.p99.toFixed(3)} ms, ratio p50 ${r50.toFixed(2)}× p99 ${r99.toFixed(2)}×, mismatches ${mismatches}`,
    );
  }

  log('\nSummary:');
  for (const s of summaryRows) log(s);
  log(`  all goals (p99 ≤ ${GOAL_P99_MS} ms, ≤ ${GOAL_RATIO}× bare, 0 mismatches): ${allGoalsMet ? 'MET' : 'NOT MET'}`);
  log(`Total run time ${fmtS(Date.now() - started)}`);

  await pool.end();
  await db.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
