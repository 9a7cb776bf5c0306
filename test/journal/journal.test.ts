import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engines, type Engine } from '../support/engines';
import { startArchiveStandin } from '../support/archive-standin';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';
import { eventually, sleep } from '../support/eventually';

// Journal deliveries are retried with backoff, so its conditions get longer than the default.
const until = (ok: () => boolean | Promise<boolean>) => eventually(ok, 'a journal condition', 15_000, 25);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const XSD = path.join(__dirname, 'fixtures', 'noark5-arkivstruktur-subset.xsd');
const YEAR = new Date().getUTCFullYear();
type Entry = {
  id: number;
  journalaar: number;
  journalsekvensnummer: number;
  journalpostnummer: number;
  journalposttype: string;
  caseNumber: string | null;
  messageId: number;
  korrespondansepart: { navn: string; adresse: string };
  sha256: string;
  deliveryState: string;
  title: string;
};

const cases = engines().flatMap((engine) =>
  (['database', 'bullmq'] as const).map((queue) => ({ engine, queue, name: `${engine.name} with the ${queue} queue` })),
);

describe.each(cases)('journaling on $name', ({ engine, queue }: { engine: Engine; queue: 'database' | 'bullmq' }) => {
  let s: TestServer;
  let twilio: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let archive: Awaited<ReturnType<typeof startArchiveStandin>>;
  /*
   * true: every post fails (an archive down for good). 'twice-each': each post fails its first two
   * runs, then goes through: an outage that every post rides out by count, not by the wall clock, so
   * a slow machine cannot turn it into dead letters (4 runs at 40–200 ms backoff used to race it).
   */
  let failing: boolean | 'twice-each' = false;
  let records: string;
  let agent: string;
  let officer: string;
  let admin: string;
  const prefix = uniquePrefix();

  const sms = async (from: string, body: string) => {
    const form = { MessageSid: smsSid(), AccountSid: STANDIN_ACCOUNT_SID, From: from, To: '+4759440004', Body: body, NumMedia: '0', ApiVersion: '2010-04-01' };
    expect((await postSignedForm(s.url, '/webhooks/twilio/sms', form)).status).toBe(200);
    return (await s.app.register.messages.byExternalId('sms', form.MessageSid))!;
  };
  const entries = async (): Promise<Entry[]> => (await s.api('GET', '/api/journal/entries?limit=500', { token: records })).body.items;
  const entryOf = async (messageId: number) => (await entries()).find((e) => e.messageId === messageId);

  beforeAll(async () => {
    twilio = await startSmsRestStandin({ callbackOrigin: () => s.url });
    archive = await startArchiveStandin({
      failing: (key) => failing === true || (failing === 'twice-each' && archive.requests.filter((r) => r.key === key && r.status === 500).length < 2),
    });
    s = await startServer(engine, {
      env: { ...twilio.env, ...(queue === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL } : {}) },
      jobs: { prefix, pollMs: 30, backoff: { baseMs: 40, maxMs: 200 } },
      journal: { attempts: 4 },
    });
    const teknisk = await s.department('teknisk');
    await s.department('helse');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m),
    );
    records = (await s.user('records@kommune.no', 'records', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', ['teknisk', 'switchboard'])).token;
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    const put = await s.api('PUT', '/api/cases/2026%2F0042', {
      token: admin,
      body: {
        title: 'Byggesøknad Storgata 1',
        status: 'Under behandling',
        department: 'teknisk',
        // Those who write about the case below are its parties: a stranger's mention is not journaled into it.
        contacts: [
          { name: 'Kari Nordmann', phone: '+4791500001' },
          ...['+4791500100', '+4791500101', '+4791500102', '+4791500103', '+4791500104', '+4791500200'].map((phone) => ({ phone })),
        ],
      },
    });
    expect(put.status).toBe(201);
  });
  afterAll(async () => {
    await s.close();
    await twilio.close();
    await archive.close();
    if (queue === 'bullmq') await dropPrefix(prefix);
  });

  it('journals a received SMS naming a case and the reply to it as I and U posts of that case, and by default nothing without a case', async () => {
    const inbound = await sms('+4791500001', 'Hei, gjelder sak 2026/0042: når kommer svaret?');
    const loose = await sms('+4791500002', 'Hvor er bossbilen?');
    await until(async () => Boolean(await entryOf(inbound.id)));
    const reply = await s.api('POST', `/api/inquiries/${inbound.inquiryId}/messages`, { token: agent, body: { body: 'Svar kommer innen fredag.' } });
    expect(reply.status).toBe(201);
    await until(async () => Boolean(await entryOf(reply.body.id)));
    const i = (await entryOf(inbound.id))!;
    const u = (await entryOf(reply.body.id))!;
    expect(i).toMatchObject({
      journalaar: YEAR,
      journalposttype: 'I',
      caseNumber: '2026/0042',
      journalpostnummer: 1,
      korrespondansepart: { navn: 'Kari Nordmann', adresse: '+4791500001' },
      sha256: sha256(inbound.body),
      deliveryState: 'unconfigured',
    });
    expect(u).toMatchObject({
      journalaar: YEAR,
      journalposttype: 'U',
      caseNumber: '2026/0042',
      journalpostnummer: 2,
      journalsekvensnummer: i.journalsekvensnummer + 1,
      korrespondansepart: { adresse: '+4791500001' },
      sha256: sha256('Svar kommer innen fredag.'),
    });
    expect(await entryOf(loose.id)).toBeUndefined();
    const doc = await fetch(`${s.url}/api/journal/entries/${i.id}/document`, { headers: { authorization: `Bearer ${records}` } });
    expect(sha256(await doc.text())).toBe(i.sha256);
    expect((await s.api('GET', '/api/journal/entries', { token: officer })).status).toBe(403);
    expect((await s.api('GET', '/api/journal/dead-letters', { token: agent })).status).toBe(403);
  });

  it('follows configured rules: by keyword and by department; bad rules are refused and change nothing', async () => {
    expect((await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'keyword' }] } })).status).toBe(400);
    expect((await s.api('PUT', '/api/journal/rules', { token: officer, body: { rules: [{ kind: 'all' }] } })).status).toBe(403);
    expect((await s.api('GET', '/api/journal/rules', { token: records })).body.rules).toEqual([{ kind: 'case', value: null }]);
    expect(
      (
        await s.api('PUT', '/api/journal/rules', {
          token: records,
          body: { rules: [{ kind: 'case' }, { kind: 'keyword', value: 'byggesak' }, { kind: 'department', value: 'helse' }] },
        })
      ).status,
    ).toBe(200);
    const kw = await sms('+4791500003', 'Spørsmål om BYGGESAK i Storgata');
    const near = await sms('+4791500004', 'Spørsmål om byggesaksbehandling');
    await until(async () => Boolean(await entryOf(kw.id)));
    expect((await entryOf(kw.id))!).toMatchObject({ caseNumber: null, journalpostnummer: 1, journalposttype: 'I' });
    expect(await entryOf(near.id)).toBeUndefined();
    await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'department', value: 'teknisk' }] } });
    const dep = await sms('+4791500006', 'Hvor er bossbilen i dag?');
    await until(async () => Boolean(await entryOf(dep.id)));
    await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'all' }] } });
    const sent = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4791500005', body: 'Varsel om vannstopp' } });
    await until(async () => Boolean(await entryOf(sent.body.items[0].id)));
    expect((await entryOf(sent.body.items[0].id))!.journalposttype).toBe('U');
    await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'case' }] } });
  });

  it('pushes every post to the archive once, through an outage, each with its own idempotency key', async () => {
    failing = 'twice-each';
    const start = archive.requests.length;
    expect((await s.api('PUT', '/api/journal/archive', { token: records, body: { pushUrl: 'http://archive.example.no/x' } })).status).toBe(400);
    // The stand-in's host is not yet on the admin's list of hosts hooks may reach.
    expect((await s.api('PUT', '/api/journal/archive', { token: records, body: { pushUrl: archive.url } })).status).toBe(400);
    expect((await s.api('POST', '/api/admin/outbound-hosts', { token: admin, body: { host: '127.0.0.1' } })).status).toBe(201);
    expect((await s.api('PUT', '/api/journal/archive', { token: records, body: { pushUrl: archive.url, token: 'secret-token-1' } })).body).toEqual({
      pushUrl: archive.url,
      token: 'set',
    });
    for (let n = 0; n < 5; n++) await sms(`+479150010${n}`, `Melding ${n} om sak 2026/0042`);
    await until(async () => (await entries()).every((e) => e.deliveryState === 'delivered'));
    failing = false;
    const all = await entries();
    expect(all.length).toBeGreaterThanOrEqual(8);
    // Every post went through the outage: refused twice, then taken.
    const refused = new Map<string | undefined, number>();
    for (const r of archive.requests.slice(start)) if (r.status === 500) refused.set(r.key, (refused.get(r.key) ?? 0) + 1);
    expect(refused.size).toBe(all.length);
    expect([...refused.values()].every((n) => n === 2)).toBe(true);
    const accepted = archive.acceptedPerKey();
    expect(accepted.size).toBe(all.length);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    const one = [...archive.stored.values()].find((b) => (b.dokument as { innhold: string }).innhold === 'Melding 3 om sak 2026/0042')!;
    expect(one).toMatchObject({
      journalaar: YEAR,
      journalposttype: 'Inngående dokument',
      journalstatus: 'Journalført',
      saksmappe: { mappeID: '2026/0042' },
      dokument: { sjekksum: sha256('Melding 3 om sak 2026/0042'), sjekksumAlgoritme: 'SHA256' },
    });
    await sleep(300);
    expect([...archive.acceptedPerKey().values()].every((n) => n === 1)).toBe(true);
  });

  it('makes a post that exhausts its runs a dead letter the records role sees and can retry', async () => {
    failing = true;
    const m = await sms('+4791500200', 'Sak 2026/0042: arkivet er nede');
    await until(async () => (await s.api('GET', '/api/journal/dead-letters', { token: records })).body.items.some((e: Entry) => e.messageId === m.id));
    const dead = (await s.api('GET', '/api/journal/dead-letters', { token: records })).body.items.find((e: Entry) => e.messageId === m.id);
    expect(dead).toMatchObject({ deliveryState: 'dead', attempts: 4, lastError: 'archive answered 5xx' });
    failing = false;
    expect((await s.api('POST', `/api/journal/dead-letters/${dead.id}/retry`, { token: records })).status).toBe(200);
    expect((await s.api('POST', `/api/journal/dead-letters/${dead.id}/retry`, { token: records })).status).toBe(404);
    await until(async () => (await entryOf(m.id))!.deliveryState === 'delivered');
    expect((await s.api('GET', '/api/journal/dead-letters', { token: records })).body.items).toEqual([]);
  });

  it('exports the period as Noark 5 arkivstruktur.xml that has the standard’s required structure', async () => {
    const from = new Date().toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await s.api('GET', `/api/journal/export?from=${to}&to=${from}`, { token: records })).status).toBe(400);
    expect((await s.api('GET', `/api/journal/export?from=${from}&to=${to}`, { token: officer })).status).toBe(403);
    const res = await fetch(`${s.url}/api/journal/export?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${records}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-noark-'));
    const file = path.join(dir, 'arkivstruktur.xml');
    fs.writeFileSync(file, xml);
    // xmllint exits non-zero (and the test fails) if the export breaks the structure.
    execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: 'pipe' });
    fs.rmSync(dir, { recursive: true, force: true });
    const all = await entries();
    expect((xml.match(/<registrering xsi:type="journalpost">/g) ?? []).length).toBe(all.length);
    expect(xml).toContain('<mappe xsi:type="saksmappe">');
    expect(xml).toMatch(/<mappeID>2026\/0042<\/mappeID><tittel>Byggesøknad Storgata 1<\/tittel>/);
    expect(xml).toContain('<saksaar>2026</saksaar><sakssekvensnummer>42</sakssekvensnummer>');
    expect(xml).toContain(`<sjekksum>${sha256('Hei, gjelder sak 2026/0042: når kommer svaret?')}</sjekksum>`);
    expect(xml).toContain('<journalposttype>Utgående dokument</journalposttype>');
    expect(xml).toContain(
      '<korrespondanseparttype>Avsender</korrespondanseparttype><korrespondansepartNavn>Kari Nordmann</korrespondansepartNavn><telefonnummer>+4791500001</telefonnummer>',
    );
  });
});
