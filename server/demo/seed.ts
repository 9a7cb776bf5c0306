import type { Logger } from 'pino';
import type { Database } from '../core/db/database';
import { type Register, SWITCHBOARD } from '../register/module';
import type { InboundService } from '../inbound/module';
import { type UserRepository, hashPassword } from '../auth/module';
import type { Channel } from '../contracts/names';
import { toE164 } from '../core/phone';

/** Demo password of every demo staff account; printed at start in demo mode. */
export const DEMO_PASSWORD = 'demo-password-1';

export const DEMO_DEPARTMENTS = [
  { code: 'byggesak', name: 'Plan og byggesak', menuDigit: 1, sms: '+4759440001', email: 'byggesak@kommune.demo' },
  { code: 'helse', name: 'Helse og omsorg', menuDigit: 2, sms: '+4759440002', email: 'helse@kommune.demo' },
  { code: 'oppvekst', name: 'Barnehage og skole', menuDigit: 3, sms: '+4759440003', email: 'oppvekst@kommune.demo' },
  { code: 'teknisk', name: 'Vann, avløp og renovasjon', menuDigit: 4, sms: '+4759440004', email: 'teknisk@kommune.demo' },
  { code: 'skatt', name: 'Eiendomsskatt og kommunale avgifter', menuDigit: 5, sms: '+4759440005', email: 'skatt@kommune.demo' },
  { code: 'sosial', name: 'Sosiale tjenester', menuDigit: 6, sms: '+4759440006', email: 'sosial@kommune.demo' },
];

const FIRST = [
  'Ola',
  'Kari',
  'Per',
  'Ingrid',
  'Lars',
  'Anne',
  'Jon',
  'Marit',
  'Knut',
  'Silje',
  'Magnus',
  'Nora',
  'Emil',
  'Sofie',
  'Aksel',
  'Åse',
  'Bjørn',
  'Tove',
  'Ewa',
  'Piotr',
  'Mette',
  'Søren',
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
  'Berg',
  'Haugen',
  'Hagen',
  'Bakken',
  'Nowak',
  'Dahl',
  'Lie',
  'Moen',
  'Strand',
];
const STREETS = ['Storgata', 'Kirkegata', 'Fjordgata', 'Parkveien', 'Skoleveien', 'Torget', 'Bjørnsons gate', 'Romsdalsgata'];
const STATUSES: [string, string][] = [
  ['Mottatt', 'Saken er mottatt og venter på en saksbehandler.'],
  ['Under behandling', 'Saken er under behandling. Du kan regne med svar innen fire uker.'],
  ['Venter på dokumentasjon', 'Vi venter på dokumentasjon fra deg. Se brevet vi sendte.'],
  ['Vedtak fattet', 'Det er fattet vedtak i saken. Vedtaket er sendt i posten.'],
  ['Avsluttet', 'Saken er avsluttet.'],
];
const TOPICS: Record<string, string[]> = {
  byggesak: ['Søknad om tilbygg til enebolig', 'Dispensasjon for garasje', 'Klage på nabovarsel'],
  helse: ['Søknad om hjemmesykepleie', 'Trygghetsalarm', 'Avlastning for pårørende'],
  oppvekst: ['Søknad om barnehageplass', 'Skoleskyss', 'SFO-plass'],
  teknisk: ['Tømming av septiktank', 'Vannlekkasje i gata', 'Ny avfallsdunk'],
  skatt: ['Klage på eiendomsskatt', 'Betalingsutsettelse kommunale avgifter', 'Feil i faktura for vann'],
  sosial: ['Søknad om økonomisk sosialhjelp', 'Startlån', 'Kommunal bolig'],
};

/** A small deterministic PRNG, so every fresh demo has the same people and cases. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills an empty register with a municipality's worth of demo data: six departments in the voice
 * menu, staff, about 200 citizens with Norwegian mobile numbers, their cases, and inquiries on
 * every channel recorded through the same inbound service the channels use.
 */
/** What the demo writes through: the same services a running server uses (the composed server fits). */
export interface DemoDeps {
  db: Database;
  clock: () => Date;
  register: Register;
  inbound: InboundService;
  auth: { users: UserRepository };
}

export async function seedDemoData(deps: DemoDeps, opts: { logger?: Logger; contacts?: number; passwordCost?: number } = {}): Promise<boolean> {
  const { db, register } = deps;
  const repos = { departments: register.departments, contacts: register.contacts, users: deps.auth.users };
  if (!(await register.contacts.isEmpty()) || (await repos.departments.byCode(DEMO_DEPARTMENTS[0].code))) return false;
  const rand = prng(20260510);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const now = deps.clock().getTime();
  const passwordHash = await hashPassword(DEMO_PASSWORD, opts.passwordCost);
  const switchboard = (await repos.departments.byCode(SWITCHBOARD))!;

  const departments = await db.transaction(async (m) => {
    const made = [];
    for (const d of DEMO_DEPARTMENTS) {
      const dep = await repos.departments.create({ code: d.code, name: d.name, menuDigit: d.menuDigit, email: d.email }, m);
      await repos.departments.addAddress({ departmentId: dep.id, channel: 'sms', address: d.sms, isDefault: false }, m);
      await repos.departments.addAddress({ departmentId: dep.id, channel: 'email', address: d.email, isDefault: true }, m);
      made.push({ ...d, id: dep.id });
    }
    await repos.departments.addAddress({ departmentId: switchboard.id, channel: 'sms', address: '+4759440000', isDefault: true }, m);
    await repos.departments.addAddress({ departmentId: switchboard.id, channel: 'phone', address: '+4771111000', isDefault: true }, m);
    const staff: { email: string; name: string; role: 'agent' | 'caseworker' | 'officer' | 'records' | 'integration'; departmentIds: number[] }[] = [];
    made.forEach((d, i) => {
      staff.push({
        email: `agent${i + 1}@servicetorg.demo`,
        name: `${FIRST[i]} ${LAST[i]} (førstelinje)`,
        role: 'agent',
        departmentIds: [d.id, switchboard.id],
      });
      staff.push({
        email: `caseworker${i + 1}@servicetorg.demo`,
        name: `${FIRST[i + 6]} ${LAST[i + 6]} (saksbehandler)`,
        role: 'caseworker',
        departmentIds: [d.id],
      });
    });
    staff.push({ email: 'officer@servicetorg.demo', name: 'Kommunikasjonsrådgiver', role: 'officer', departmentIds: [switchboard.id] });
    staff.push({ email: 'records@servicetorg.demo', name: 'Arkivleder', role: 'records', departmentIds: [] });
    staff.push({ email: 'integration@servicetorg.demo', name: 'Sakssystem (integrasjon)', role: 'integration', departmentIds: [] });
    for (const s of staff) await repos.users.create({ ...s, passwordHash }, m);
    return made;
  });
  repos.departments.invalidate();

  const integration = (await repos.users.byEmail('integration@servicetorg.demo'))!;
  const integrationActor = { id: integration.id, name: integration.name, email: integration.email, role: integration.role, departmentIds: [] };
  const people: { name: string; phone: string; email?: string }[] = [];
  const usedPhones = new Set<string>();
  const count = opts.contacts ?? 200;
  while (people.length < count) {
    const phone = `+47${pick(['4', '9'])}${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`;
    if (usedPhones.has(phone) || toE164(phone, 'NO') !== phone) continue;
    usedPhones.add(phone);
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    people.push({ name, phone, email: rand() < 0.6 ? `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${people.length}@epost.demo` : undefined });
  }

  await db.transaction(async (m) => {
    for (const p of people) {
      await repos.contacts.create(
        {
          name: p.name,
          phones: [p.phone],
          emails: p.email ? [p.email] : [],
          address: `${pick(STREETS)} ${1 + Math.floor(rand() * 60)}`,
          postalCode: '6413',
          city: 'Molde',
          language: 'nb',
        },
        m,
      );
    }
  });

  // Cases arrive as the case system would push them: through the same upsert the API uses.
  let caseSeq = 1000;
  const caseNumbers: { number: string; dept: (typeof departments)[number]; person: (typeof people)[number] }[] = [];
  for (const [i, person] of people.entries()) {
    const n = i % 5 === 4 ? 0 : 1 + Math.floor(rand() * 2);
    for (let k = 0; k < n; k++) {
      const dept = pick(departments);
      const [status, spoken] = pick(STATUSES);
      const number = `2026/${++caseSeq}`;
      await register.caseService.upsert(
        number,
        {
          title: pick(TOPICS[dept.code]),
          status,
          statusSpoken: `Sak ${number}: ${spoken}`,
          department: dept.code,
          contacts: [{ name: person.name, phone: person.phone, email: person.email, role: 'søker' }],
        },
        integrationActor,
        'demo seed',
      );
      caseNumbers.push({ number, dept, person });
    }
  }

  // Inquiries on every channel, spread over the last 30 days, oldest first so ids follow time.
  const items: { at: number; channel: Channel; person: (typeof people)[number]; dept: (typeof departments)[number]; caseNumber?: string }[] = [];
  for (let i = 0; i < Math.round(count * 1.5); i++) {
    const person = pick(people);
    const own = caseNumbers.filter((c) => c.person === person);
    const c = own.length && rand() < 0.6 ? pick(own) : undefined;
    items.push({
      at: now - Math.floor(rand() * 30 * 86400_000),
      channel: pick(['sms', 'email', 'web', 'phone'] as const),
      person,
      dept: c?.dept ?? pick(departments),
      caseNumber: c?.number,
    });
  }
  items.sort((a, b) => a.at - b.at);
  for (const [i, it] of items.entries()) {
    const topic = pick(TOPICS[it.dept.code]);
    const ref = it.caseNumber ? ` (sak ${it.caseNumber})` : '';
    const body =
      it.channel === 'phone'
        ? `Innkommende samtale fra ${it.person.phone} til ${it.dept.name}.`
        : `Hei! Jeg lurer på status for ${topic.toLowerCase()}${ref}. Kan dere ringe eller skrive tilbake til meg? Hilsen ${it.person.name}`;
    await deps.inbound.record({
      channel: it.channel,
      externalId: `demo-${it.channel}-${i}`,
      from: it.channel === 'email' && it.person.email ? { email: it.person.email, name: it.person.name } : { phone: it.person.phone, name: it.person.name },
      to: it.channel === 'sms' ? it.dept.sms : it.channel === 'email' ? it.dept.email : null,
      kind: it.channel === 'phone' ? 'call' : it.channel === 'web' ? 'form' : 'message',
      subject: it.channel === 'email' || it.channel === 'web' ? `${topic}${ref}` : null,
      body,
      receivedAt: new Date(it.at),
      departmentCode: it.channel === 'web' || it.channel === 'phone' ? it.dept.code : undefined,
      thread: it.caseNumber ? { caseNumber: it.caseNumber } : undefined,
      meta: { demo: true },
    });
  }
  opts.logger?.info({ contacts: people.length, cases: caseNumbers.length, inquiries: items.length }, 'demo data created');
  return true;
}
