/*
 * Fills the bench/register database from data.ts by batched multi-row INSERTs, one in flight while
 * the next is built; a database that already holds exactly that data is left as it is.
 */
import type mysql from 'mysql2/promise';
import {
  CASE_TITLES,
  CHANNELS,
  CHANNEL_WEIGHTS,
  CLOSED_STATUSES,
  DEPARTMENTS,
  DEPT_WEIGHTS,
  FIRST,
  LAST,
  N_CASES,
  N_CONTACTS,
  N_INQUIRIES,
  OPEN_STATUSES,
  PLACES,
  SPAN_MS,
  START_MS,
  STREETS,
  numberOf,
  pad,
  pick,
  q,
  rng,
  sqlDate,
  summary,
  weighted,
  type Plan,
} from './data';

const ROWS_PER_INSERT = 5000;

// ---------------------------------------------------------------------------------------------
// Fill

export const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const fmtN = (n: number) => n.toLocaleString('en-US');
export const log = (s: string) => console.log(s);

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

export async function ensureDepartments(conn: mysql.Connection): Promise<number[]> {
  for (const [code, name] of DEPARTMENTS) {
    await conn.query('INSERT IGNORE INTO departments (code, name, menu_digit, created_at) VALUES (?, ?, NULL, UTC_TIMESTAMP(3))', [code, name]);
  }
  const [r] = await conn.query('SELECT id, code FROM departments WHERE code IN (?)', [DEPARTMENTS.map((d) => d[0])]);
  const byCode = new Map((r as { id: number; code: string }[]).map((x) => [x.code, x.id]));
  return DEPARTMENTS.map(([code]) => byCode.get(code)!);
}

export async function fill(conn: mysql.Connection, plan: Plan, deptIds: number[]) {
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
