/*
 * The register bench/register/run.ts measures, as data: its size (BENCH_SCALE), and names,
 * numbers, cases and links drawn from fixed seeds, so every run builds the same register.
 */
export const SCALE = Number(process.env.BENCH_SCALE || '1');
export const N_CONTACTS = Math.round(1_000_000 * SCALE);
export const N_CASES = Math.round(2_000_000 * SCALE);
export const N_INQUIRIES = Math.round(5_000_000 * SCALE);

// ---------------------------------------------------------------------------------------------
// Deterministic data: the same seed gives the same register on every run

/** A small 32-bit PRNG (xorshift with a multiply), enough for spreading test data. */
export function rng(seed: number) {
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
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(xs.length)];

/*
 * Phone numbers: a bijection from index to the 20,000,000 Norwegian mobile numbers +474xxxxxxx and
 * +479xxxxxxx, so contact i has a unique, scattered number and indices past N_CONTACTS give numbers
 * that nobody has.
 */
export const NUMBER_SPACE = 20_000_000;
const STRIDE = 7_654_321; // odd and not a multiple of 5: coprime with 20,000,000
export function numberOf(i: number): string {
  const k = Number((BigInt(i) * BigInt(STRIDE) + 1_234_567n) % BigInt(NUMBER_SPACE));
  const prefix = k < 10_000_000 ? '4' : '9';
  return `+47${prefix}${String(k % 10_000_000).padStart(7, '0')}`;
}

export const FIRST = [
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
export const LAST = [
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
export const STREETS = [
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
export const PLACES = [
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
export const DEPARTMENTS = [
  ['bench-byggesak', 'Byggesak'],
  ['bench-helse', 'Helse og omsorg'],
  ['bench-skole', 'Skole'],
  ['bench-barnehage', 'Barnehage'],
  ['bench-nav', 'NAV'],
  ['bench-teknisk', 'Teknisk drift'],
  ['bench-skatt', 'Eiendomsskatt'],
  ['bench-kultur', 'Kultur og idrett'],
] as const;
export const DEPT_WEIGHTS = [22, 20, 14, 12, 12, 10, 6, 4];
export const CASE_TITLES = [
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
export const OPEN_STATUSES = ['Mottatt', 'Under behandling', 'Venter på dokumentasjon', 'Til uttalelse'];
export const CLOSED_STATUSES = ['Avsluttet', 'Vedtak fattet', 'Trukket'];
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
export const CHANNELS = ['phone', 'sms', 'email', 'web'] as const;
export const CHANNEL_WEIGHTS = [45, 25, 20, 10];

export function weighted(r: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r.int(total);
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

export function summary(r: Rng): string {
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

export const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export function sqlDate(ms: number): string {
  const d = new Date(ms);
  return `'${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}'`;
}
export const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replace(/[\\']/g, '\\$&')}'`);

export const START_MS = Date.UTC(2019, 0, 1);
export const SPAN_MS = Date.UTC(2025, 0, 1) - START_MS;

/**
 * Who is party to which case, and each case's department: drawn once up front (cheap), so the
 * inquiry fill can tie an inquiry to one of its contact's cases, and the expected link count is
 * known without filling.
 */
export interface Plan {
  casePrimary: Int32Array;
  caseSecondary: Int32Array; // 0 = none
  caseDept: Uint8Array; // index into DEPARTMENTS
  caseOpen: Uint8Array;
  links: number;
  contactCaseStart: Int32Array; // CSR: cases of contact c are contactCases[start[c] .. start[c+1])
  contactCases: Int32Array;
}

export function makePlan(): Plan {
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
