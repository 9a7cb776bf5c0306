import fs from 'node:fs';
import path from 'node:path';
import { SimulatedCall } from '../../channels/twilio-voice/simulator/caller';
import type { TestServer } from '../support/server';
import { postSignedForm, PUBLIC_BASE_URL, smsSid, STANDIN_ACCOUNT_SID, STANDIN_AUTH_TOKEN, type startSmsRestStandin } from '../support/twilio-standin';
import { pdf } from '../support/files';
import { seedDemo } from '../../server/demo/module';

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

type Standin = Awaited<ReturnType<typeof startSmsRestStandin>>;

/** Expects a 2xx; names the call when it is not, so a fill that stops working says where. */
async function ok(what: string, p: Promise<{ status: number; body: unknown }>) {
  const r = await p;
  if (r.status < 200 || r.status > 299) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as any;
}

/**
 * Fills the register the way its users do: the demo (departments, staff, citizens, cases,
 * inquiries on every channel, forms, address register), then through the API and webhooks every
 * further kind of record: settings of each feature, a resident's subscription, a group send and a
 * recurring send, a phone call, a STOP, reminders, an API key.
 */
export async function fillRegister(s: TestServer, standin: Standin): Promise<{ admin: string; officer: string }> {
  await seedDemo(s.app);
  const admin = (await s.user('admin@kommune.no', 'admin', [])).token;
  const officer = (await s.user('officer@kommune.no', 'officer', ['helse'])).token;
  const records = (await s.user('records@kommune.no', 'records', [])).token;

  await ok('journal rules', s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'all' }] } }));
  await ok('outbound host', s.api('POST', '/api/admin/outbound-hosts', { token: admin, body: { host: '127.0.0.1' } }));
  await ok('archive', s.api('PUT', '/api/journal/archive', { token: records, body: { pushUrl: 'http://127.0.0.1:9/archive', token: 'secret-token-1' } }));
  await ok('totp policy', s.api('PUT', '/api/totp-policy', { token: admin, body: { added: ['caseworker'] } }));
  await ok('case category', s.api('PUT', '/api/voice/case-categories/barnevern', { token: admin, body: { callerIdOnly: true } }));
  await ok('holidays', s.api('PUT', '/api/sms/holidays', { token: admin, body: { items: [{ day: '2030-05-17', name: 'Grunnlovsdag' }] } }));
  await ok('sender rate', s.api('PUT', '/api/sms/senders/+4759440002/rate', { token: admin, body: { perSecond: 50 } }));
  await ok('url allow-list', s.api('POST', '/api/sms/url-allowlist', { token: admin, body: { host: 'kommune.no' } }));
  await ok('country allow-list', s.api('PUT', '/api/sms/country-allowlist', { token: admin, body: { countries: ['SE'] } }));
  await ok('attachment policy', s.api('PUT', '/api/attachment-policy', { token: admin, body: { added: ['zip'] } }));
  await ok('reminder settings', s.api('PUT', '/api/alerts/reminder-settings', { token: admin, body: { timeZone: 'Europe/Oslo', eveningAt: '19:00' } }));
  await s.user('case-system@kommune.no', 'integration', []);
  await ok('api key', s.api('POST', '/api/api-keys', { token: admin, body: { name: 'Sak/arkiv', userEmail: 'case-system@kommune.no' } }));
  await ok('operators', s.api('PUT', '/api/sms/operators', { token: admin, body: { items: [{ prefix: '+4791', operator: 'Telia' }] } }));
  await ok('sender pause', s.api('POST', '/api/sms/senders/+4759440006/pause', { token: admin, body: { reason: 'Mistanke om misbruk' } }));
  const group = await ok(
    'group',
    s.api('POST', '/api/sms/groups', { token: officer, body: { name: 'Storgata', members: [{ phone: '91233001', name: 'Kari Nordmann' }] } }),
  );
  await ok(
    'group send',
    s.api('POST', '/api/sms/messages', { token: officer, body: { group: group.id, body: 'Vannet er stengt i dag', from: '+4759440002' } }),
  );

  // A resident subscribes with the code the SMS brought, in the demo's first locality.
  const localities = (await ok('localities', s.api('GET', '/public/alerts/localities?q=dop'))).items as { id: string }[];
  const phone = '+4791244001';
  const before = standin.messages.length;
  await ok('code', s.api('POST', '/public/alerts/code', { body: { phone } }));
  const sms = standin.messages.slice(before).find((m) => m.params.To === phone);
  const code = /\b(\d{4,8})\b/.exec(sms?.params.Body ?? '')?.[1];
  const cats = (await ok('categories', s.api('GET', '/public/alerts/categories'))).items as { code: string }[];
  const streets = (await ok('streets', s.api('GET', `/public/alerts/streets?locality=${localities[0].id}&q=`))).items as { id: string }[];
  await ok(
    'subscription',
    s.api('POST', '/public/alerts/subscription', {
      body: { phone, code, locality: localities[0].id, streets: streets.slice(0, 1).map((x) => x.id), categories: [cats[0].code] },
    }),
  );
  await ok(
    'recurring send',
    s.api('POST', '/api/sms/messages', {
      token: officer,
      body: { body: 'Tømming i morgen', audience: { subscribers: { localities: [localities[0].id] } }, rrule: 'FREQ=WEEKLY', sendAt: inDays(30) },
    }),
  );
  await ok(
    'power cut',
    s.api('POST', '/api/alerts/power-cuts', {
      token: officer,
      body: { localities: [localities[0].id], from: inDays(20), to: inDays(20.2), note: 'Arbeid på linjen' },
    }),
  ).catch(() => undefined);

  // The address register from a municipality's CSV, and a waste collection day for a whole locality.
  const csv = fs.readFileSync(path.join(__dirname, '../alerts/fixtures/norway.csv'));
  const q = 'format=csv&locality=poststed&street=adressenavn&number=nummer&postcode=postnummer&area=kommunenavn';
  await ok(
    'address import',
    s.api('POST', `/api/address-register/import?${q}`, { token: admin, raw: csv.toString('utf8'), headers: { 'content-type': 'text/csv' } }),
  );
  const day = inDays(10).slice(0, 10);
  await ok(
    'waste schedule',
    s.api('POST', '/api/alerts/waste-schedule', {
      token: officer,
      raw: `miejscowość;ulica;frakcja;data\nDopiewo;;Szkło;${day}\n`,
      headers: { 'content-type': 'text/csv' },
    }),
  );

  // A citizen calls and chooses a department; another writes STOP.
  const call = new SimulatedCall({
    serverUrl: s.url,
    publicBaseUrl: PUBLIC_BASE_URL,
    authToken: STANDIN_AUTH_TOKEN,
    accountSid: STANDIN_ACCOUNT_SID,
    from: '+4791255001',
    to: '+4759440002',
  });
  await call.ring();
  await call.press('2');
  await call.end();
  const stop = await postSignedForm(s.url, '/webhooks/twilio/sms', {
    MessageSid: smsSid(),
    AccountSid: STANDIN_ACCOUNT_SID,
    From: '+4791233001',
    To: '+4759440002',
    Body: 'STOP',
    NumMedia: '0',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  });
  if (stop.status !== 200) throw new Error(`STOP: ${stop.status}`);

  // An e-mail with a PDF attached, as the mail channel stores it: the content in chunks, bytes exact.
  const mail = await s.app.inbound.record({
    channel: 'email',
    externalId: '<vedlegg-1@innbygger.no>',
    from: { email: 'innbygger@example.no', name: 'Åse Øvre' },
    to: 'helse@kommune.demo',
    subject: 'Søknad med vedlegg',
    body: 'Se vedlagt søknad.',
    receivedAt: new Date(),
    departmentCode: 'helse',
  });
  await s.app.register.attachments.store({
    messageId: mail.message.id,
    ordinal: 0,
    filename: 'søknad.pdf',
    contentType: 'application/pdf',
    createdAt: new Date(),
    content: Buffer.concat([pdf('Søknad om byggetillatelse'), Buffer.from([0, 255, 1, 254])]),
  });
  // A school's roster: a pupil in a group with a guardian, the unit's reset hook, a welcome, and an
  // emergency message the pupil answers.
  await ok(
    'reset hook',
    s.api('PUT', '/api/roster/units/helse/password-reset', { token: admin, body: { url: 'http://127.0.0.1:9/reset', token: 'reset-token-12345' } }),
  );
  const pupil = '+4791500101';
  await ok(
    'roster person',
    s.api('PUT', '/api/roster/people/elev-1', {
      token: admin,
      body: { name: 'Elev Én', phone: pupil, kind: 'student', unit: 'helse', groups: ['5A'], guardians: [{ name: 'Forelder Én', phone: '+4791500102' }] },
    }),
  );
  await ok('welcome', s.api('POST', '/api/roster/people/elev-1/welcome', { token: admin, body: { account: 'elev1', temporaryPassword: 'Midlertidig-123' } }));
  await ok(
    'emergency',
    s.api('POST', '/api/roster/emergency', { token: admin, body: { unit: 'helse', body: 'Svar OK hvis du er i sikkerhet', askReply: true } }),
  );
  const until = Date.now() + 15_000;
  let alert = standin.messages.find((m) => m.params.To === pupil && m.params.Body === 'Svar OK hvis du er i sikkerhet');
  while (!alert && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    alert = standin.messages.find((m) => m.params.To === pupil && m.params.Body === 'Svar OK hvis du er i sikkerhet');
  }
  if (!alert) throw new Error('the emergency message never reached the pupil');
  const answer = await postSignedForm(s.url, '/webhooks/twilio/sms', {
    MessageSid: smsSid(),
    AccountSid: STANDIN_ACCOUNT_SID,
    From: pupil,
    To: alert.params.From,
    Body: 'OK',
    NumMedia: '0',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  });
  if (answer.status !== 200) throw new Error(`answer: ${answer.status}`);

  // Records: a legal hold on the e-mail's citizen, and one purge run (counts only).
  await ok('legal hold', s.api('POST', '/api/records/holds', { token: records, body: { contact: mail.inquiry.contactId, reason: 'Klagesak' } }));
  await s.app.records.purge.run();
  return { admin, officer };
}
