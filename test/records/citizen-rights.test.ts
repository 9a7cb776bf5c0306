import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { liveMarkup } from '../support/xss';
import { inbound, sqlOf } from './purge-fixture';

/*
 * One citizen across every channel (SMS, e-mail with a file, web form, a phone call, a reply from
 * staff, a case, an alert subscription with its consent, the STOP list, staff reads), then their
 * export compared with what was seeded, correction, and erasure keeping what must be kept.
 */
describe.each(engines())('the citizen’s rights on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let records: string;
  let agent: { id: number; token: string };
  let sql: ReturnType<typeof sqlOf>;
  const ids: Record<string, number> = {};
  const PHONE = '+48601234567';

  beforeAll(async () => {
    s = await startServer(engine);
    sql = sqlOf(s);
    await s.department('teknisk');
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    records = (await s.user('records@kommune.no', 'records', [])).token;
    agent = await s.user('agent@kommune.no', 'agent', ['teknisk']);
    const put = await s.api('PUT', '/api/cases/2026-42', {
      token: admin,
      body: {
        title: 'Pozwolenie na budowę',
        status: 'W toku',
        department: 'teknisk',
        contacts: [{ name: 'Ewa Kowalska', phone: PHONE, email: 'ewa@example.pl' }],
      },
    });
    expect(put.status).toBe(201);
    const sms = await inbound(s, {
      channel: 'sms',
      from: PHONE,
      body: 'Dzień dobry, pytanie o sprawę <script>x</script>',
      department: 'teknisk',
      id: 'EWA-SMS',
    });
    ids.contact = sms.contactId!;
    ids.sms = sms.inquiryId;
    await sql.q('UPDATE contacts SET language = ? WHERE id = ?', ['pl', ids.contact]);
    const mail = await inbound(s, { channel: 'email', from: 'ewa@example.pl', body: 'Załączam dokument', department: 'teknisk', id: 'EWA-MAIL' });
    ids.mail = mail.inquiryId;
    ids.file = (
      await s.app.register.attachments.store({
        messageId: mail.messageId,
        ordinal: 0,
        filename: 'wniosek.pdf',
        contentType: 'application/pdf',
        createdAt: new Date(),
        content: Buffer.from('%PDF'),
      })
    ).id;
    const web = await inbound(s, {
      channel: 'web',
      from: 'ewa@example.pl',
      body: 'Formularz: zgłoszenie dziury w drodze',
      department: 'teknisk',
      id: 'EWA-WEB',
    });
    ids.web = web.inquiryId;
    // The SMS concerns her case; the others do not.
    await sql.q("UPDATE inquiries SET case_id = (SELECT id FROM cases WHERE case_number = '2026-42') WHERE id = ?", [ids.sms]);
    const now = s.app.db.param(new Date());
    await sql.q(
      "INSERT INTO calls (call_sid, from_e164, to_number, state, lang, department_id, inquiry_id, created_at, updated_at) VALUES ('CA-ewa', ?, '+4740000000', 'ended', 'pl', NULL, NULL, ?, ?)",
      [PHONE, now, now],
    );
    expect((await s.api('POST', `/api/inquiries/${ids.mail}/messages`, { token: agent.token, body: { body: 'Dziękujemy, sprawdzimy.' } })).status).toBe(201);
    expect((await s.api('GET', `/api/inquiries/${ids.web}`, { token: agent.token })).status).toBe(200);
    await sql.q("INSERT INTO address_localities (code, name, name_key, source, updated_at) VALUES ('9', 'Dopiewo', 'dopiewo', 'test', ?)", [now]);
    const [{ id: locality }] = await sql.q("SELECT id FROM address_localities WHERE code = '9'");
    await sql.q(
      "INSERT INTO alert_subscribers (phone, locality_id, whole_locality, language, state, created_at, updated_at) VALUES (?, ?, 1, 'pl', 'active', ?, ?)",
      [PHONE, locality, now, now],
    );
    await sql.q("INSERT INTO alert_consents (phone, action, text, language, via, created_at) VALUES (?, 'subscribe', 'Zgadzam się na SMS', 'pl', 'web', ?)", [
      PHONE,
      now,
    ]);
    await sql.q("INSERT INTO sms_stop_list (sender, phone, created_at) VALUES ('+4740000001', ?, ?)", [PHONE, now]);
  });
  afterAll(() => s.close());

  it('finds the citizen by number in any notation, by e-mail and by name, and audits it', async () => {
    for (const q of ['0048 601 234 567', '+48 601-234-567', 'EWA@example.pl', 'kowalska']) {
      const r = await s.api('GET', `/api/records/citizens?q=${encodeURIComponent(q)}`, { token: records });
      expect([q, r.status, r.body.items.map((c: { id: number }) => c.id)]).toEqual([q, 200, [ids.contact]]);
    }
    expect(await sql.count('audit_events', "entity_type = 'contact' AND entity_id = ? AND route = 'GET /api/records/citizens'", [String(ids.contact)])).toBe(4);
  });

  it('exports everything held about them, with every staff read, as JSON', async () => {
    const r = await s.api('GET', `/api/records/citizens/${ids.contact}/export`, { token: records });
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.contact).toMatchObject({ id: ids.contact, name: 'Ewa Kowalska', phones: [PHONE], emails: ['ewa@example.pl'], language: 'pl' });
    expect(d.cases).toEqual([expect.objectContaining({ caseNumber: '2026-42', title: 'Pozwolenie na budowę' })]);
    expect(d.inquiries.map((i: { id: number }) => i.id).sort()).toEqual([ids.sms, ids.mail, ids.web].sort());
    const mail = d.inquiries.find((i: { id: number }) => i.id === ids.mail);
    expect(mail.messages.map((m: { direction: string; body: string }) => [m.direction, m.body])).toEqual([
      ['in', 'Załączam dokument'],
      ['out', 'Dziękujemy, sprawdzimy.'],
    ]);
    expect(mail.messages[0].attachments).toEqual([
      expect.objectContaining({ id: ids.file, filename: 'wniosek.pdf', contentType: 'application/pdf', size: 4, content: `/api/attachments/${ids.file}` }),
    ]);
    expect(d.inquiries.find((i: { id: number }) => i.id === ids.sms).caseNumber).toBe('2026-42');
    expect(d.calls).toEqual([expect.objectContaining({ callSid: 'CA-ewa', from: PHONE })]);
    expect(d.alertSubscription).toMatchObject({ phone: PHONE, locality: 'Dopiewo', state: 'active' });
    expect(d.consents).toEqual([expect.objectContaining({ action: 'subscribe', text: 'Zgadzam się na SMS' })]);
    expect(d.stopList).toEqual([expect.objectContaining({ phone: PHONE })]);
    const reads = d.staffReads as { staff: string; what: string }[];
    expect(reads).toContainEqual(expect.objectContaining({ staff: 'agent', what: `inquiry ${ids.web}` }));
    expect(await sql.count('audit_events', "action = 'export' AND entity_type = 'contact' AND entity_id = ?", [String(ids.contact)])).toBe(1);
  });

  it('exports a readable document in the citizen’s language, with nothing live in it', async () => {
    const res = await fetch(`${s.url}/api/records/citizens/${ids.contact}/export.html`, { headers: { authorization: `Bearer ${records}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="pl">');
    expect(html).toContain('Jakie dane o Tobie przechowujemy');
    expect(html).toContain('wniosek.pdf');
    expect(html).toContain('Dziękujemy, sprawdzimy.');
    // The head is ours (charset, title); in the body the citizen's own "<script>" is text.
    expect(liveMarkup(html.slice(html.indexOf('<body>')))).toEqual([]);
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    const nb = await (
      await fetch(`${s.url}/api/records/citizens/${ids.contact}/export.html?lang=nb`, { headers: { authorization: `Bearer ${records}` } })
    ).text();
    expect(nb).toContain('Dette har vi lagret om deg');
  });

  it('corrects contact details, audited; bad corrections get a 4xx and change nothing', async () => {
    const other = await inbound(s, { channel: 'sms', from: '+4791111111', body: 'Annen', department: 'teknisk', id: 'OTHER' });
    const r = await s.api('PATCH', `/api/records/citizens/${ids.contact}`, {
      token: records,
      body: { address: 'ul. Lipowa 1', city: 'Dopiewo', addPhones: ['0048 602 000 000'] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ address: 'ul. Lipowa 1', city: 'Dopiewo', phones: [PHONE, '+48602000000'] });
    expect(await sql.count('audit_events', "action = 'update' AND entity_type = 'contact' AND entity_id = ?", [String(ids.contact)])).toBe(1);
    const before = await s.api('GET', `/api/records/citizens/${ids.contact}/export`, { token: records });
    for (const [body, status] of [
      [{}, 400],
      [{ addPhones: ['not a number'] }, 400],
      [{ removePhones: ['+4799999999'] }, 400],
      [{ addPhones: ['+4791111111'] }, 409],
      [{ city: 'x'.repeat(500) }, 400],
      [{ colour: 'red' }, 400],
      [{ city: 'Poznań', addPhones: ['+4791111111'] }, 409],
    ] as const) {
      const x = await s.api('PATCH', `/api/records/citizens/${ids.contact}`, { token: records, body });
      expect([x.status, body]).toEqual([status, body]);
    }
    expect((await s.api('PATCH', '/api/records/citizens/999999', { token: records, body: { city: 'X' } })).status).toBe(404);
    const after = await s.api('GET', `/api/records/citizens/${ids.contact}/export`, { token: records });
    expect(after.body.contact).toEqual(before.body.contact);
    expect(other.contactId).not.toBe(ids.contact);
  });

  it('is for records and admin only', async () => {
    for (const [m, p] of [
      ['GET', '/api/records/citizens?q=ewa'],
      ['GET', `/api/records/citizens/${ids.contact}/export`],
      ['GET', `/api/records/citizens/${ids.contact}/erasure`],
    ])
      expect((await s.api(m, p, { token: agent.token })).status).toBe(403);
  });

  it('refuses erasure under a legal hold, and a confirmation of a preview that has changed', async () => {
    const hold = await s.api('POST', '/api/records/holds', { token: records, body: { case: '2026-42', reason: 'Skarga' } });
    const preview = await s.api('GET', `/api/records/citizens/${ids.contact}/erasure`, { token: records });
    expect(preview.body.holds).toEqual([hold.body.id]);
    expect((await s.api('POST', `/api/records/citizens/${ids.contact}/erasure`, { token: records, body: { confirm: preview.body.token } })).status).toBe(409);
    await s.api('DELETE', `/api/records/holds/${hold.body.id}`, { token: records });
    const stale = (await s.api('GET', `/api/records/citizens/${ids.contact}/erasure`, { token: records })).body.token;
    await inbound(s, { channel: 'sms', from: PHONE, body: 'Jeszcze jedno', department: 'teknisk', id: 'EWA-SMS-2' });
    const r = await s.api('POST', `/api/records/citizens/${ids.contact}/erasure`, { token: records, body: { confirm: stale } });
    expect([r.status, r.body.error.code]).toEqual([409, 'preview_changed']);
    for (const body of [{}, { confirm: 'yes' }, { confirm: stale, extra: 1 }])
      expect((await s.api('POST', `/api/records/citizens/${ids.contact}/erasure`, { token: records, body })).status).toBe(400);
    expect(await sql.count('inquiries', 'contact_id = ?', [ids.contact])).toBe(4);
  });

  it('erases what no duty keeps, keeps the case, the STOP list and the audit trail, and says why', async () => {
    const preview = await s.api('GET', `/api/records/citizens/${ids.contact}/erasure`, { token: records });
    expect(preview.status).toBe(200);
    expect(preview.body.keep).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ what: 'case', id: '2026-42', why: 'case_party', reason: expect.any(String) }),
        expect.objectContaining({ what: 'inquiry', id: String(ids.sms), why: 'tied_to_case' }),
        expect.objectContaining({ what: 'stop_list', id: PHONE }),
        expect.objectContaining({ what: 'audit_trail' }),
      ]),
    );
    expect(preview.body.erase.inquiries).toEqual(expect.arrayContaining([ids.mail, ids.web]));
    expect(preview.body.erase.inquiries).not.toContain(ids.sms);
    const r = await s.api('POST', `/api/records/citizens/${ids.contact}/erasure`, { token: records, body: { confirm: preview.body.token } });
    expect(r.status).toBe(200);
    expect(r.body.erased).toMatchObject({ inquiries: 3, subscriptions: 1, consents: 1, contactDetails: 1 });
    expect(r.body.kept.length).toBe(preview.body.keep.length);
    // Kept: the case's inquiry whole, the party's name and numbers, the STOP entry, the audit trail.
    expect((await sql.inquiry(ids.sms)).bodies[0]).toContain('Dzień dobry');
    const [contact] = await sql.q('SELECT name, address, city FROM contacts WHERE id = ?', [ids.contact]);
    expect(contact).toEqual({ name: 'Ewa Kowalska', address: null, city: null });
    expect(await sql.count('sms_stop_list', 'phone = ?', [PHONE])).toBe(1);
    // Erased: the other inquiries' content, the file, the subscription, the consent, the call's number.
    expect((await sql.inquiry(ids.mail)).bodies).toEqual(['', '']);
    expect((await sql.inquiry(ids.web)).purged).toBe(true);
    expect((await sql.q('SELECT status FROM attachments WHERE id = ?', [ids.file]))[0].status).toBe('purged');
    expect(await sql.count('alert_subscribers', 'phone = ?', [PHONE])).toBe(0);
    expect(await sql.count('alert_consents', 'phone = ?', [PHONE])).toBe(0);
    expect(await sql.count('calls', 'from_e164 = ?', [PHONE])).toBe(0);
    expect(await sql.count('audit_events', "action = 'erase' AND entity_id = ?", [String(ids.contact)])).toBe(1);
  });

  it('deletes a citizen with no case altogether', async () => {
    const x = await inbound(s, { channel: 'email', from: 'jan@example.pl', body: 'Tylko pytanie', department: 'teknisk', id: 'JAN' });
    const preview = await s.api('GET', `/api/records/citizens/${x.contactId}/erasure`, { token: records });
    expect(preview.body.erase.contact).toBe('delete');
    const r = await s.api('POST', `/api/records/citizens/${x.contactId}/erasure`, { token: records, body: { confirm: preview.body.token } });
    expect(r.body.erased).toMatchObject({ inquiries: 1, contacts: 1 });
    expect(await sql.count('contacts', 'id = ?', [x.contactId])).toBe(0);
    expect(await sql.count('contact_emails', 'address = ?', ['jan@example.pl'])).toBe(0);
  });
});
