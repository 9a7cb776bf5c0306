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
import { DEPARTMENTS, NUMBER_SPACE, N_CONTACTS, SCALE, makePlan, numberOf, rng } from './data';
import { ensureDepartments, fill, fmtN, fmtS, log } from './fill';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/st_bench';
const LOOKUPS = Math.max(100, Math.floor(Number(process.env.BENCH_LOOKUPS || '20000')));
const BUFFER_POOL = Number(process.env.BENCH_BUFFER_POOL ?? '2147483648');
const MEASURE_CAP_MS = Number(process.env.BENCH_MEASURE_SECONDS || '300') * 1000;

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
