import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { routesOf } from '../fuzz/routes';

/*
 * What the case system's account may write (issue 12): only the cases it created, and never an
 * address into a citizen's contact that is not already a party on the case it pushes.
 */

const path = (caseNumber: string) => `/api/cases/${encodeURIComponent(caseNumber)}`;

describe.each(engines())('case pushes confined to their own cases and parties on $name', (engine) => {
  let s: TestServer;
  let feed: string;
  let other: string;
  let admin: string;

  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('bygg');
    feed = (await s.user('sak@kommune.no', 'integration', [])).token;
    other = (await s.user('annet-system@kommune.no', 'integration', [])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
  });
  afterAll(() => s.close());

  const put = (caseNumber: string, body: unknown, token: string) => s.api('PUT', path(caseNumber), { token, body });
  const body = (title: string, contacts: unknown[] = []) => ({ title, status: 'Mottatt', department: 'bygg', contacts });
  const snapshot = async () => {
    const counts: Record<string, number> = {};
    for (const t of ['cases', 'contacts', 'contact_phones', 'contact_emails', 'case_contacts', 'audit_events']) counts[t] = await s.count(t);
    return counts;
  };

  it('lets an integration account update only the cases it created: 403 with nothing written on another’s', async () => {
    expect((await put('2026/7001', body('Eget'), feed)).status).toBe(201);
    expect((await put('2026/7002', body('Kommunens'), admin)).status).toBe(201);
    const before = await snapshot();

    for (const [caseNumber, token] of [
      ['2026/7001', other],
      ['2026/7002', feed],
    ]) {
      const r = await put(caseNumber, body('Overskrevet', [{ name: 'Inntrenger', phone: '+4791700099', email: 'x@evil.test' }]), token);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('another account') } });
    }
    expect(await snapshot()).toEqual(before);
    expect((await s.app.register.cases.byNumber('2026/7001'))!.title).toBe('Eget');
    expect((await s.app.register.cases.byNumber('2026/7002'))!.title).toBe('Kommunens');
    expect(await s.app.register.contacts.byPhone('+4791700099')).toBeNull();

    // Its own case it updates as before; an admin may update any.
    expect((await put('2026/7001', body('Eget, endret'), feed)).status).toBe(200);
    expect((await put('2026/7001', body('Eget, endret av admin'), admin)).status).toBe(200);
    expect((await put('2026/7001', body('Eget igjen'), feed)).status).toBe(200);
  });

  it('links a known citizen by their number but never merges the push’s other address into their contact', async () => {
    // Kari is known from an SMS and her own e-mail; she is no party on the case pushed below.
    const sms = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-push-1',
      from: { phone: '+4791700001', name: 'Kari' },
      to: '+4740000000',
      body: 'Hei',
      receivedAt: new Date(),
    });
    const kari = sms.contact!.id;
    await s.app.db.transaction((m) => s.app.register.contacts.addEmail(kari, 'kari@example.no', m));

    const r = await put('2026/7003', body('Nabosak', [{ name: 'Mallory', phone: '91700001', email: 'mallory@evil.test', role: 'part' }]), feed);
    expect(r.status).toBe(201);
    const [withKari] = await s.app.register.contacts.withAddresses([(await s.app.register.contacts.byId(kari))!]);
    expect(withKari).toMatchObject({ name: 'Kari', phones: ['+4791700001'], emails: ['kari@example.no'] });
    const mallory = (await s.app.register.contacts.byEmail('mallory@evil.test'))!;
    expect(mallory.id).not.toBe(kari);
    expect(mallory.name).toBe('Mallory');
    const links = await s.app.register.cases.contactsOf((await s.app.register.cases.byNumber('2026/7003'))!.id);
    expect(links.map((l) => [l.contactId, l.role])).toEqual(
      [
        [kari, 'part'],
        [mallory.id, 'part'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );

    // A mail from the pushed address is Mallory's, not Kari's.
    const mail = await s.app.inbound.record({
      channel: 'email',
      externalId: '<push-1@evil.test>',
      from: { email: 'mallory@evil.test' },
      to: 'post@kommune.no',
      subject: 'Hei',
      body: 'Hei',
      receivedAt: new Date(),
    });
    expect(mail.contact!.id).toBe(mallory.id);

    // The same push again changes nothing; matched by e-mail, a new number is not merged either.
    const again = await put('2026/7003', body('Nabosak', [{ name: 'Mallory', phone: '91700001', email: 'mallory@evil.test', role: 'part' }]), feed);
    expect(again.body.changed).toBe(false);
    const before = await snapshot();
    const byMail = await put('2026/7004', body('Annen sak', [{ email: 'kari@example.no', phone: '91700002' }]), feed);
    expect(byMail.status).toBe(201);
    expect((await s.app.register.contacts.withAddresses([(await s.app.register.contacts.byId(kari))!]))[0].phones).toEqual(['+4791700001']);
    expect((await s.app.register.contacts.byPhone('+4791700002'))!.id).not.toBe(kari);
    expect((await snapshot()).contacts).toBe(before.contacts + 1);
  });

  it('answers the case system with ids and roles only: no route it may call shows a citizen’s details it did not send', async () => {
    // Lise wrote to us before the case system knew her: her name, e-mail and message are ours.
    const sms = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-push-leak',
      from: { phone: '+4791700050', name: 'Lise Hemmelig' },
      to: '+4740000000',
      body: 'Sensitiv tekst om barnevern',
      receivedAt: new Date(),
    });
    const lise = sms.contact!.id;
    await s.app.db.transaction((m) => s.app.register.contacts.addEmail(lise, 'lise.hemmelig@example.no', m));
    await s.app.db.transaction((m) => s.app.register.contacts.addPhone(lise, '+4791700051', m));
    const secrets = ['Lise Hemmelig', 'lise.hemmelig@example.no', '+4791700051', '91700051', 'Sensitiv tekst'];
    const leaks = (body: unknown) => secrets.filter((x) => JSON.stringify(body ?? '').includes(x));

    const pushed = await put('2026/7010', body('Barnevern', [{ phone: '917 00 050', role: 'part' }]), feed);
    expect(pushed.status).toBe(201);
    expect(pushed.body.contacts).toEqual([{ id: lise, role: 'part' }]);
    expect(leaks(pushed.body)).toEqual([]);
    const again = await put('2026/7010', body('Barnevern', [{ phone: '917 00 050', role: 'part' }]), feed);
    expect(again.body).toMatchObject({ changed: false, contacts: [{ id: lise, role: 'part' }] });
    // A register reader still gets the whole picture.
    const full = await s.api('GET', path('2026/7010'), { token: admin });
    expect(full.body.contacts).toEqual([
      { id: lise, name: 'Lise Hemmelig', role: 'part', phones: ['+4791700050', '+4791700051'], emails: ['lise.hemmelig@example.no'] },
    ]);

    // Every GET the app answers, with each id it could guess filled in: nothing of Lise's comes back.
    const ids: Record<string, string> = { caseNumber: encodeURIComponent('2026/7010'), id: String(lise), number: '%2B4740000000' };
    const inquiryIds = [sms.inquiry!.id, sms.message!.id, lise];
    const gets = routesOf(s.app.http as never).filter((r) => r.method === 'GET' && !r.path.includes('*'));
    expect(gets.length).toBeGreaterThan(20);
    for (const route of gets)
      for (const n of inquiryIds) {
        const url = route.path.replace(/:(\w+)/g, (_, k: string) => (k in ids && k !== 'id' ? ids[k] : String(n)));
        const r = await s.api('GET', `${url}${url.includes('contacts') ? '?phone=91700050' : ''}`, { token: feed });
        expect({ route: route.path, leaks: leaks(r.body) }).toEqual({ route: route.path, leaks: [] });
      }
  });
});
