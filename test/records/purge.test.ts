import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { DAY, inbound, sqlOf } from './purge-fixture';

/* Each retention rule, each legal hold, the archive's confirmation, the dry run, and bad input. */
describe.each(engines())('retention and purge on $name', (engine) => {
  let s: TestServer;
  let records: string;
  let sql: ReturnType<typeof sqlOf>;
  let now = new Date();
  let seq = 0;
  const id = () => `PURGE-${++seq}`;

  beforeAll(async () => {
    s = await startServer(engine, { clock: () => now, records: { purge: { batchSize: 2 } } });
    sql = sqlOf(s);
    await s.department('teknisk');
    await s.department('sosial');
    records = (await s.user('records@kommune.no', 'records', [])).token;
  });
  afterAll(() => s.close());

  const purge = () => s.app.records.purge.run();
  const removed = (r: Awaited<ReturnType<typeof purge>>, kind: string, channel: string | null = null, department: number | null = null) =>
    r.items.find((x) => x.rule.kind === kind && x.rule.channel === channel && x.rule.departmentId === department)!;

  it('anonymises closed inquiries past their time, keeps open and recent ones, and counts per rule without content', async () => {
    const old = await inbound(s, { channel: 'sms', from: '+4791000001', body: 'Gammel melding om vann', department: 'teknisk', id: id() });
    const open = await inbound(s, { channel: 'sms', from: '+4791000002', body: 'Fortsatt åpen', department: 'teknisk', id: id() });
    const recent = await inbound(s, { channel: 'sms', from: '+4791000003', body: 'Nylig lukket', department: 'teknisk', id: id() });
    await sql.age(old.inquiryId, 800);
    await sql.age(open.inquiryId, 800, { open: true });
    await sql.age(recent.inquiryId, 100);
    const r = await purge();
    expect(await sql.inquiry(old.inquiryId)).toEqual({ summary: '', contactId: null, purged: true, bodies: [''] });
    expect((await sql.inquiry(open.inquiryId)).bodies).toEqual(['Fortsatt åpen']);
    expect((await sql.inquiry(recent.inquiryId)).bodies).toEqual(['Nylig lukket']);
    expect(removed(r, 'inquiry_messages').removed).toMatchObject({ inquiries: 1, messages: 1 });
    const [run] = (await s.api('GET', '/api/records/purge/runs', { token: records })).body.items;
    expect(run).toMatchObject({ id: r.id, state: 'done' });
    expect(JSON.stringify(run.counts)).not.toMatch(/Gammel|vann|\+4791/);
  });

  it('purges journaled content only once the archive confirmed it, keeping the journal post’s reference', async () => {
    const journalRules = (rules: unknown[]) => s.api('PUT', '/api/journal/rules', { token: records, body: { rules } });
    expect((await journalRules([{ kind: 'all' }])).status).toBe(200);
    const a = await inbound(s, { channel: 'sms', from: '+4791000011', body: 'Journalført søknad', department: 'teknisk', id: id() });
    const entry = async () => {
      for (let i = 0; i < 50; i++) {
        const [row] = await sql.q('SELECT id, system_id, post_number, checksum, body FROM journal_entries WHERE message_id = ?', [a.messageId]);
        if (row) return row;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('no journal post');
    };
    const before = await entry().finally(() => journalRules([{ kind: 'keyword', value: 'aldri-journalført' }]));
    await sql.q("UPDATE journal_entries SET delivery_state = 'pending' WHERE id = ?", [before.id]);
    await sql.age(a.inquiryId, 800);
    const first = await purge();
    expect((await sql.inquiry(a.inquiryId)).bodies).toEqual(['Journalført søknad']);
    expect(removed(first, 'inquiry_messages').waitingForArchive).toBe(1);
    await sql.q("UPDATE journal_entries SET delivery_state = 'delivered' WHERE id = ?", [before.id]);
    await purge();
    expect((await sql.inquiry(a.inquiryId)).bodies).toEqual(['']);
    const [after] = await sql.q('SELECT system_id, post_number, checksum, body FROM journal_entries WHERE id = ?', [before.id]);
    expect(after).toMatchObject({ system_id: before.system_id, post_number: before.post_number, checksum: before.checksum, body: '' });
  });

  it('applies the most specific rule: per channel and per department', async () => {
    const teknisk = await s.department('teknisk');
    const sosial = await s.department('sosial');
    const put = await s.api('PUT', '/api/records/retention', {
      token: records,
      body: {
        rules: [
          { kind: 'inquiry_messages', keepDays: 730 },
          { kind: 'inquiry_messages', channel: 'sms', keepDays: 3650 },
          { kind: 'inquiry_messages', department: 'sosial', keepDays: 30 },
          { kind: 'attachments', keepDays: 730 },
          { kind: 'call_recordings', keepDays: 90 },
          { kind: 'alert_subscriptions', keepDays: 1095 },
          { kind: 'audit_events', keepDays: 1825 },
          { kind: 'delivery_events', keepDays: 180 },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.items).toContainEqual(expect.objectContaining({ kind: 'inquiry_messages', channel: 'sms', department: null, keepDays: 3650 }));
    const sms = await inbound(s, { channel: 'sms', from: '+4791000021', body: 'SMS, tiår', department: 'teknisk', id: id() });
    const mail = await inbound(s, { channel: 'email', from: 'a@example.no', body: 'E-post, to år', department: 'teknisk', id: id() });
    const social = await inbound(s, { channel: 'sms', from: '+4791000022', body: 'Sosial, 30 dager', department: 'sosial', id: id() });
    const socialRecent = await inbound(s, { channel: 'email', from: 'b@example.no', body: 'Sosial, nylig', department: 'sosial', id: id() });
    await sql.age(sms.inquiryId, 800);
    await sql.age(mail.inquiryId, 800);
    await sql.age(social.inquiryId, 100);
    await sql.age(socialRecent.inquiryId, 10);
    const r = await purge();
    expect((await sql.inquiry(sms.inquiryId)).bodies).toEqual(['SMS, tiår']);
    expect((await sql.inquiry(mail.inquiryId)).purged).toBe(true);
    // The department's rule (more specific than the channel's) takes the sosial SMS at 30 days.
    expect((await sql.inquiry(social.inquiryId)).purged).toBe(true);
    expect((await sql.inquiry(socialRecent.inquiryId)).purged).toBe(false);
    expect(removed(r, 'inquiry_messages', null, sosial).removed.inquiries).toBe(1);
    expect(removed(r, 'inquiry_messages', 'sms', null).removed.inquiries ?? 0).toBe(0);
    expect(teknisk).toBeGreaterThan(0);
  });

  it('removes files, delivery events and ended subscriptions past their time, and keeps the rest', async () => {
    const a = await inbound(s, { channel: 'email', from: 'c@example.no', body: 'Vedlegg', department: 'teknisk', id: id() });
    const file = await s.app.register.attachments.store({
      messageId: a.messageId,
      ordinal: 0,
      filename: 'pass.pdf',
      contentType: 'application/pdf',
      createdAt: new Date(),
      content: Buffer.from('x'),
    });
    await sql.q('INSERT INTO message_events (message_id, status, at) VALUES (?, ?, ?)', [a.messageId, 'delivered', sql.ago(0)]);
    await sql.age(a.inquiryId, 200, { open: true });
    await sql.q('INSERT INTO message_events (message_id, status, at) VALUES (?, ?, ?)', [a.messageId, 'sent', sql.ago(1)]);
    await sql.q('UPDATE attachments SET created_at = ? WHERE id = ?', [sql.ago(800), file.id]);
    await sql.q("INSERT INTO address_localities (code, name, name_key, source, updated_at) VALUES ('1', 'Dopiewo', 'dopiewo', 'test', ?)", [sql.ago(0)]);
    const [{ id: locality }] = await sql.q("SELECT id FROM address_localities WHERE code = '1'");
    for (const [phone, state, left] of [
      ['+4792000001', 'left', 1200],
      ['+4792000002', 'left', 10],
      ['+4792000003', 'active', null],
    ] as const)
      await sql.q(
        'INSERT INTO alert_subscribers (phone, locality_id, whole_locality, language, state, created_at, updated_at, left_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)',
        [phone, locality, 'pl', state, sql.ago(1500), sql.ago(1500), left === null ? null : sql.ago(left)],
      );
    for (const phone of ['+4792000001', '+4792000003'])
      await sql.q("INSERT INTO alert_consents (phone, action, text, language, via, created_at) VALUES (?, 'subscribe', 'Tak', 'pl', 'web', ?)", [
        phone,
        sql.ago(1500),
      ]);
    await purge();
    const [att] = await sql.q('SELECT status, filename FROM attachments WHERE id = ?', [file.id]);
    expect(att).toEqual({ status: 'purged', filename: '' });
    expect(await sql.count('attachment_chunks', 'attachment_id = ?', [file.id])).toBe(0);
    // The inquiry is open: its text stays; the 200-day-old delivery event goes, yesterday's stays.
    expect((await sql.inquiry(a.inquiryId)).bodies).toEqual(['Vedlegg']);
    expect((await sql.q('SELECT status FROM message_events WHERE message_id = ?', [a.messageId])).map((x) => x.status)).toEqual(['sent']);
    expect((await sql.q('SELECT phone FROM alert_subscribers ORDER BY phone')).map((x) => x.phone)).toEqual(['+4792000002', '+4792000003']);
    expect((await sql.q('SELECT phone FROM alert_consents ORDER BY phone')).map((x) => x.phone)).toEqual(['+4792000003']);
  });

  it('purges audit events past their time through the database’s permit, except those about a held citizen', async () => {
    const held = await inbound(s, { channel: 'sms', from: '+4791000031', body: 'Holdt', department: 'teknisk', id: id() });
    const real = new Date();
    now = new Date(real.getTime() - 2000 * DAY);
    await s.app.audit.record([
      { userId: 1, action: 'read', entityType: 'inquiry', entityId: held.inquiryId, route: 'old read of a held citizen' },
      { userId: 1, action: 'read', entityType: 'inquiry', entityId: 999999, route: 'old read' },
    ]);
    now = real;
    expect((await s.api('POST', '/api/records/holds', { token: records, body: { contact: held.contactId, reason: 'Tvist' } })).status).toBe(201);
    await purge();
    expect(await sql.count('audit_events', "route = 'old read'")).toBe(0);
    expect(await sql.count('audit_events', "route = 'old read of a held citizen'")).toBe(1);
  });

  it('stops every purge touching a contact or a case on hold, until the hold is released', async () => {
    await s.api('PUT', '/api/cases/2026-99', {
      token: (await s.user('admin@kommune.no', 'admin', [])).token,
      body: { title: 'Tvist', status: 'Åpen', department: 'teknisk', contacts: [{ name: 'Part', phone: '+4791000041' }] },
    });
    const byContact = await inbound(s, { channel: 'sms', from: '+4791000042', body: 'Kontakt holdt', department: 'teknisk', id: id() });
    const byCase = await inbound(s, { channel: 'sms', from: '+4791000041', body: 'Sak 2026-99 holdt', department: 'teknisk', id: id() });
    const [{ case_id }] = await sql.q('SELECT case_id FROM inquiries WHERE id = ?', [byCase.inquiryId]);
    if (!case_id) await sql.q("UPDATE inquiries SET case_id = (SELECT id FROM cases WHERE case_number = '2026-99') WHERE id = ?", [byCase.inquiryId]);
    const file = await s.app.register.attachments.store({
      messageId: byContact.messageId,
      ordinal: 0,
      filename: 'bevis.pdf',
      contentType: 'application/pdf',
      createdAt: new Date(),
      content: Buffer.from('y'),
    });
    for (const x of [byContact, byCase]) await sql.age(x.inquiryId, 800);
    const h1 = await s.api('POST', '/api/records/holds', { token: records, body: { contact: byContact.contactId, reason: 'Klagesak' } });
    const h2 = await s.api('POST', '/api/records/holds', { token: records, body: { case: '2026-99', reason: 'Rettssak' } });
    expect([h1.status, h2.status]).toEqual([201, 201]);
    const dry = (await s.api('GET', '/api/records/purge/dry-run', { token: records })).body;
    const messagesRule = dry.items.find(
      (x: { rule: { kind: string; channel: string | null; departmentId: number | null } }) =>
        x.rule.kind === 'inquiry_messages' && x.rule.channel === 'sms' && x.rule.departmentId === null,
    );
    expect(messagesRule.wouldRemove.inquiries.firstIds).not.toContain(byContact.inquiryId);
    await purge();
    expect((await sql.inquiry(byContact.inquiryId)).bodies).toEqual(['Kontakt holdt']);
    expect((await sql.inquiry(byCase.inquiryId)).bodies).toEqual(['Sak 2026-99 holdt']);
    expect((await sql.q('SELECT status FROM attachments WHERE id = ?', [file.id]))[0].status).toBe('stored');
    // Released, the SMS rule (ten years) still keeps them; a rule of a year takes them.
    expect((await s.api('DELETE', `/api/records/holds/${h1.body.id}`, { token: records })).status).toBe(200);
    expect((await s.api('DELETE', `/api/records/holds/${h2.body.id}`, { token: records })).status).toBe(200);
    expect((await s.api('DELETE', `/api/records/holds/${h2.body.id}`, { token: records })).status).toBe(404);
    const rules = (await s.api('GET', '/api/records/retention', { token: records })).body.items.map((r: Record<string, unknown>) => ({
      kind: r.kind,
      keepDays: r.kind === 'inquiry_messages' && r.channel === 'sms' ? 365 : r.keepDays,
      ...(r.channel ? { channel: r.channel } : {}),
      ...(r.department ? { department: r.department } : {}),
    }));
    expect((await s.api('PUT', '/api/records/retention', { token: records, body: { rules } })).status).toBe(200);
    await purge();
    expect((await sql.inquiry(byContact.inquiryId)).purged).toBe(true);
    expect((await sql.inquiry(byCase.inquiryId)).purged).toBe(true);
  });

  it('the dry run lists what would go per rule and changes nothing', async () => {
    const x = await inbound(s, { channel: 'web', from: 'd@example.no', body: 'Skjema', department: 'teknisk', id: id() });
    await sql.age(x.inquiryId, 800);
    const before = await sql.count('inquiries', 'content_purged_at IS NULL');
    const dry = await s.api('GET', '/api/records/purge/dry-run', { token: records });
    expect(dry.status).toBe(200);
    const rule = dry.body.items.find(
      (i: { rule: { kind: string; channel: string | null; departmentId: number | null } }) =>
        i.rule.kind === 'inquiry_messages' && !i.rule.channel && !i.rule.departmentId,
    );
    expect(rule.wouldRemove.inquiries).toEqual({ count: 1, firstIds: [x.inquiryId] });
    expect(await sql.count('inquiries', 'content_purged_at IS NULL')).toBe(before);
    const r = await purge();
    expect(removed(r, 'inquiry_messages').removed.inquiries).toBe(1);
  });

  it('is for records and admin; bad rules and holds get a 400 and change nothing', async () => {
    const agent = (await s.user('agent@kommune.no', 'agent', ['teknisk'])).token;
    for (const [m, p, body] of [
      ['GET', '/api/records/retention'],
      ['GET', '/api/records/purge/dry-run'],
      ['POST', '/api/records/purge', { confirm: true }],
      ['GET', '/api/records/holds'],
    ])
      expect((await s.api(m as string, p as string, { token: agent, body })).status).toBe(403);
    const rules = (await s.api('GET', '/api/records/retention', { token: records })).body.items;
    const holds = (await s.api('GET', '/api/records/holds', { token: records })).body.items;
    const full = [
      { kind: 'inquiry_messages', keepDays: 730 },
      { kind: 'attachments', keepDays: 730 },
      { kind: 'call_recordings', keepDays: 90 },
      { kind: 'alert_subscriptions', keepDays: 1095 },
      { kind: 'audit_events', keepDays: 1825 },
      { kind: 'delivery_events', keepDays: 180 },
    ];
    const bad: unknown[] = [
      { rules: full.slice(1) },
      { rules: [...full, { kind: 'audit_events', channel: 'sms', keepDays: 10 }] },
      { rules: [...full, { kind: 'attachments', department: 'ukjent', keepDays: 10 }] },
      { rules: [...full, { kind: 'attachments', keepDays: 5 }] },
      { rules: full.map((r) => ({ ...r, keepDays: 0 })) },
      { rules: [...full, { kind: 'x', keepDays: 5 }] },
      { rules: full, extra: 1 },
      { rules: 'all' },
    ];
    for (const body of bad) {
      const r = await s.api('PUT', '/api/records/retention', { token: records, body });
      expect([r.status, body]).toEqual([400, body]);
      expect(r.body.error.message).toEqual(expect.any(String));
    }
    for (const body of [
      { reason: 'x' },
      { contact: 1, case: '2026-99', reason: 'x' },
      { contact: 999999, reason: 'x' },
      { case: 'nei', reason: 'x' },
      { contact: 1 },
      { contact: 1, reason: 'x'.repeat(300) },
    ])
      expect((await s.api('POST', '/api/records/holds', { token: records, body })).status).toBe(400);
    expect((await s.api('DELETE', '/api/records/holds/abc', { token: records })).status).toBe(400);
    expect((await s.api('GET', '/api/records/retention', { token: records })).body.items).toEqual(rules);
    expect((await s.api('GET', '/api/records/holds', { token: records })).body.items).toEqual(holds);
  });
});
