/*
 * bench/address-search — the address register at the size of Poland, on MariaDB.
 *
 *   npx tsx bench/address-search/run.ts          (npm run bench:address-search)
 *
 * 1. Creates a fresh database, runs the migrations, and generates a TERYT SIMC file of ~100,000
 *    localities (in ~2,500 municipalities; many names shared, some of several words) and a ULIC
 *    file of ~280,000 streets (a few cities with thousands, most villages with a handful), in the
 *    published columns. Imports both through the product's file reader and import service, timing
 *    each and the longest the event loop was held meanwhile, then re-imports both (nothing changes).
 * 2. Searches as residents type (prefixes of 1–8 letters of real names, without diacritics, and
 *    prefixes of later words), each through the product's service and through one bare mysql2
 *    `SELECT … WHERE name_key LIKE ?` on the same index, interleaved in one process. Prints
 *    p50/p99 of both and their ratios.
 *
 * Environment:
 *   BENCH_DATABASE_URL     default mysql://root@127.0.0.1:3306/st_bench_addresses (dropped and re-created)
 *   BENCH_SCALE            fraction of the full size (default 1)
 *   BENCH_SEARCHES         searches of each kind (default 5000)
 *   BENCH_MEASURE_SECONDS  time cap per kind of search (default 60)
 */
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { schema } from '../../ormconfig';
import { openDatabase } from '../../server/core/db/database';
import { AuditRepository } from '../../server/core/audit.repository';
import { readRegisterFile, type Format } from '../../server/alerts/address-register-files';
import { AddressRegisterRepository } from '../../server/alerts/address-register.repository';
import { AddressRegisterService } from '../../server/alerts/address-register.service';
import { fold } from '../../server/core/search-fold';

const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/st_bench_addresses';
const SCALE = Number(process.env.BENCH_SCALE || '1');
const SEARCHES = Math.max(100, Math.floor(Number(process.env.BENCH_SEARCHES || '5000')));
const CAP_MS = Number(process.env.BENCH_MEASURE_SECONDS || '60') * 1000;
const N_LOCALITIES = Math.round(100_000 * SCALE);
const N_STREETS = Math.round(280_000 * SCALE);
const N_AREAS = Math.max(1, Math.round(2_500 * SCALE));
const LIMIT = 20;

const url = new URL(DATABASE_URL.replace(/^mariadb:/, 'mysql:'));
if (url.hostname !== '127.0.0.1') throw new Error(`BENCH_DATABASE_URL must point at 127.0.0.1, not ${url.hostname}`);
const DB_NAME = decodeURIComponent(url.pathname.slice(1));
if (!/^[A-Za-z0-9_]+$/.test(DB_NAME)) throw new Error(`BENCH_DATABASE_URL needs a plain database name, got "${DB_NAME}"`);

/** xorshift: the same seed gives the same register on every run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  return { float: next, int: (n: number) => Math.floor(next() * n) };
}
const r = rng(20261203);
const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)];

// Syllables of Polish place names, with the letters that fold (ą ę ó ł ż ź ś ć ń).
const HEADS = [
  'Dąb',
  'Brzez',
  'Łęcz',
  'Kamień',
  'Skórz',
  'Wól',
  'Grab',
  'Olsz',
  'Zakrz',
  'Żabi',
  'Mił',
  'Śród',
  'Kozł',
  'Rud',
  'Lip',
  'Sosn',
  'Gór',
  'Przyb',
  'Wierzb',
  'Jabł',
];
const MIDS = ['', 'o', 'ow', 'in', 'ek', 'ic', 'an', 'ód', 'ęt', 'usz'];
const TAILS = ['ówka', 'owo', 'ice', 'in', 'na', 'ki', 'ów', 'no', 'ec', 'isko', 'ewo', 'any'];
const PREFIXES = ['Nowa', 'Stara', 'Wielka', 'Mała', 'Nowe', 'Stare', 'Górna', 'Dolna'];
const SUFFIXES = ['Kolonia', 'Dolna', 'Górna', 'Pierwsza', 'Druga', 'Leśna', 'Szlachecka'];
const placeName = () => {
  const base = pick(HEADS) + pick(MIDS) + pick(TAILS);
  const u = r.float();
  return u < 0.1 ? `${pick(PREFIXES)} ${base}` : u < 0.2 ? `${base} ${pick(SUFFIXES)}` : base;
};
const FIRST = ['Jana', 'Adama', 'Marii', 'Józefa', 'Stanisława', 'Tadeusza', 'Władysława', 'Henryka', 'Elizy', 'Bolesława'];
const LAST = ['Mickiewicza', 'Kościuszki', 'Słowackiego', 'Sienkiewicza', 'Konopnickiej', 'Piłsudskiego', 'Reymonta', 'Żeromskiego', 'Orzeszkowej', 'Chopina'];
const COMMON = [
  'Działkowa',
  'Łąkowa',
  'Polna',
  'Leśna',
  'Szkolna',
  'Kościelna',
  'Ogrodowa',
  'Słoneczna',
  'Krótka',
  'Długa',
  'Źródlana',
  'Brzozowa',
  'Lipowa',
  'Wiśniowa',
];
const CECHY = ['ul.', 'ul.', 'ul.', 'ul.', 'al.', 'pl.', 'os.', 'rondo', 'inne'];

function generate() {
  const simc = ['WOJ;POW;GMI;RODZ_GMI;RM;MZ;NAZWA;SYM;SYMPOD;STAN_NA'];
  const localities: { sym: string; area: string[]; name: string }[] = [];
  for (let i = 0; i < N_LOCALITIES; i++) {
    const a = i % N_AREAS;
    const area = [
      String(2 + 2 * (a % 16)).padStart(2, '0'),
      String(1 + (Math.floor(a / 16) % 60)).padStart(2, '0'),
      String(1 + Math.floor(a / 960)).padStart(2, '0'),
      '2',
    ];
    const sym = String(100000 + i).padStart(7, '0');
    const name = placeName();
    localities.push({ sym, area, name });
    simc.push([...area, '01', '1', name, sym, sym, '2025-01-01'].join(';'));
  }
  // Streets: 40 cities with ~1,500 streets each, the rest spread over villages (most get a few, many none).
  const ulic = ['WOJ;POW;GMI;RODZ_GMI;SYM;SYM_UL;CECHA;NAZWA_1;NAZWA_2;STAN_NA'];
  const cities = Math.min(40, N_LOCALITIES);
  const streetsOf = new Map<string, number>();
  for (let i = 0; i < N_STREETS; i++) {
    const l = i < N_STREETS * 0.2 ? localities[i % cities] : localities[cities + r.int(Math.max(1, Math.floor(N_LOCALITIES / 3)))];
    const u = r.float();
    const [n1, n2] = u < 0.3 ? [pick(LAST), pick(FIRST)] : u < 0.6 ? [pick(COMMON), ''] : [`${placeName()}`, ''];
    // SYM_UL is unique within a locality (GUS numbers street names nationally; any unique code will do here).
    const n = (streetsOf.get(l.sym) ?? 0) + 1;
    streetsOf.set(l.sym, n);
    ulic.push([...l.area, l.sym, String(n).padStart(5, '0'), pick(CECHY), n1, n2, '2025-01-01'].join(';'));
  }
  return { simc: Buffer.from(simc.join('\n') + '\n'), ulic: Buffer.from(ulic.join('\n') + '\n'), localities };
}

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1], n: s.length };
}
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** The longest the event loop waited for a 5 ms timer while `work` ran. */
async function withLag<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; maxLagMs: number }> {
  let maxLag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
  }, 5);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - t0, maxLagMs: maxLag };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const server = new URL(url.toString());
  server.pathname = '/';
  const admin = await mysql.createConnection({ uri: server.toString() });
  await admin.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
  await admin.query(`CREATE DATABASE \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();

  const db = await openDatabase(url.toString(), schema);
  const clock = () => new Date();
  const repo = new AddressRegisterRepository({ db });
  const service = new AddressRegisterService({ db, repo, audit: new AuditRepository({ db, clock }), clock });
  const who = { userId: 0, route: 'bench' };

  const { simc, ulic, localities } = generate();
  console.log(`generated: ${N_LOCALITIES} localities (${(simc.length / 1e6).toFixed(1)} MB), ${N_STREETS} streets (${(ulic.length / 1e6).toFixed(1)} MB)`);
  const load = async (format: Format, bytes: Buffer) => service.import(await readRegisterFile(bytes, format, null), who);
  for (const [label, format, bytes] of [
    ['import SIMC', 'teryt-simc', simc],
    ['import ULIC', 'teryt-ulic', ulic],
    ['re-import SIMC', 'teryt-simc', simc],
    ['re-import ULIC', 'teryt-ulic', ulic],
  ] as const) {
    const t = await withLag(() => load(format, bytes));
    const rep = t.value.report;
    const tally = format === 'teryt-simc' ? rep.localities : rep.streets;
    console.log(
      `${label.padEnd(15)} ${(t.ms / 1000).toFixed(1)} s, event loop held at most ${ms(t.maxLagMs)}; ` +
        `added ${tally.added}, updated ${tally.updated}, unchanged ${tally.unchanged}, removed ${tally.removed}; register ${t.value.localities}/${t.value.streets}`,
    );
  }

  const pool = mysql.createPool({ uri: url.toString(), connectionLimit: 2, charset: 'utf8mb4_unicode_ci' });
  const bare = async (sql: string, params: unknown[]) => (await pool.query(sql, params))[0];
  // Warm both paths and the buffer pool.
  for (let i = 0; i < 200; i++) {
    await service.localities(pick(localities).name.slice(0, 3), LIMIT);
    await bare(`SELECT id, name, area FROM address_localities WHERE name_key LIKE ? ORDER BY name_key LIMIT ${LIMIT}`, ['ska%']);
  }
  const withStreets = (await bare('SELECT DISTINCT locality_id AS id FROM address_streets', [])) as { id: number }[];
  const streetNames = (await bare('SELECT locality_id AS id, name_key AS k FROM address_streets ORDER BY RAND() LIMIT 20000', [])) as {
    id: number;
    k: string;
  }[];

  const kinds: { label: string; query: () => { product: () => Promise<unknown>; bare: () => Promise<unknown> } }[] = [
    {
      label: 'localities, name prefix',
      query: () => {
        const key = fold(pick(localities).name).slice(0, 1 + r.int(8));
        return {
          product: () => service.localities(key, LIMIT),
          bare: () => bare(`SELECT id, name, area FROM address_localities WHERE name_key LIKE ? ORDER BY name_key, id LIMIT ${LIMIT}`, [`${key}%`]),
        };
      },
    },
    {
      label: 'localities, later word',
      query: () => {
        const key = fold(pick(SUFFIXES)).slice(0, 2 + r.int(5));
        return {
          product: () => service.localities(key, LIMIT),
          bare: () =>
            bare(
              `SELECT l.id, l.name, l.area FROM address_locality_words w JOIN address_localities l ON l.id = w.locality_id WHERE w.word_key LIKE ? ORDER BY w.word_key, l.id LIMIT ${LIMIT}`,
              [`${key}%`],
            ),
        };
      },
    },
    {
      label: 'streets of a locality',
      query: () => {
        const s = pick(streetNames);
        const key = s.k.slice(0, 1 + r.int(6)).trim();
        return {
          product: () => service.streets(s.id, key, LIMIT),
          bare: () =>
            bare(`SELECT id, name FROM address_streets WHERE locality_id = ? AND name_key LIKE ? ORDER BY name_key, id LIMIT ${LIMIT}`, [s.id, `${key}%`]),
        };
      },
    },
  ];
  console.log(`searching: ${SEARCHES} of each kind (cap ${CAP_MS / 1000} s each), ${LIMIT} answers; ${withStreets.length} localities have streets`);
  for (const kind of kinds) {
    const tp: number[] = [];
    const tb: number[] = [];
    const start = performance.now();
    for (let i = 0; i < SEARCHES && performance.now() - start < CAP_MS; i++) {
      const q = kind.query();
      // Interleaved, alternating which goes first, so neither gets the other's warm cache every time.
      const order = i % 2 ? [q.product, q.bare] : [q.bare, q.product];
      for (const run of order) {
        const t0 = performance.now();
        await run();
        (run === q.product ? tp : tb).push(performance.now() - t0);
      }
    }
    const P = percentiles(tp);
    const B = percentiles(tb);
    console.log(
      `${kind.label.padEnd(24)} product p50 ${ms(P.p50)} p99 ${ms(P.p99)} | bare p50 ${ms(B.p50)} p99 ${ms(B.p99)} | ratio p50 ${(P.p50 / B.p50).toFixed(2)} p99 ${(P.p99 / B.p99).toFixed(2)} (n=${P.n})`,
    );
  }
  await pool.end();
  await db.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
