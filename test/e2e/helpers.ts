import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import twilio from 'twilio';
import type { InboundContact } from '../../server/inbound/contract';
import type { Role } from '../../server/contracts/names';
import { hashPassword } from '../../server/auth/passwords';
import { TEST_PASSWORD, TEST_PASSWORD_COST, type TestServer } from '../support/server';

/**
 * A citizen's SMS, the way it reaches us in production: Twilio POSTs a form to /webhooks/twilio/sms,
 * signed with X-Twilio-Signature over PUBLIC_BASE_URL + path. The server under test must run with
 * Twilio credentials (a stand-in's); the department is whichever owns the `to` number.
 */
export async function citizenSends(s: TestServer, input: { from: string; to: string; body: string; messageSid?: string }) {
  const { twilio: creds, publicBaseUrl } = s.app.config;
  if (!creds) throw new Error('citizenSends needs a server started with Twilio credentials (a stand-in’s env)');
  const path = '/webhooks/twilio/sms';
  const params: Record<string, string> = {
    MessageSid: input.messageSid ?? `SM${randomBytes(16).toString('hex')}`,
    AccountSid: creds.accountSid,
    From: input.from,
    To: input.to,
    Body: input.body,
    NumMedia: '0',
    ApiVersion: '2010-04-01',
  };
  const signature = twilio.getExpectedTwilioSignature(creds.authToken, publicBaseUrl + path, params);
  const res = await fetch(s.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`the SMS webhook answered ${res.status}: ${text}`);
  // The webhook answers only after the message is stored, so it is there now.
  const message = await s.app.register.messages.byExternalId('sms', params.MessageSid);
  if (!message) throw new Error(`the SMS webhook answered 200 but stored no message ${params.MessageSid}`);
  return { inquiryId: message.inquiryId, messageId: message.id, messageSid: params.MessageSid };
}

/**
 * E-mails and web forms for the inbox's backdrop, recorded straight through the inbound service
 * that the IMAP watcher and the public form both call (those intakes have their own suites:
 * test/email.test.ts, test/web-form.test.ts).
 */
export async function citizenWrites(
  s: TestServer,
  input: Omit<InboundContact, 'receivedAt' | 'externalId' | 'to'> & { channel: 'email' | 'web'; to?: string },
) {
  const r = await s.app.inbound.record({
    externalId: `E2E-${randomBytes(8).toString('hex')}`,
    to: input.channel === 'email' ? 'post@kommune.no' : null,
    receivedAt: new Date(),
    ...input,
  });
  return { inquiryId: r.inquiry.id, messageId: r.message.id };
}

/** Twilio's delivery report for an outbound SMS, signed and POSTed to the status webhook as Twilio does. */
export async function providerReports(s: TestServer, input: { messageSid: string; status: string; errorCode?: string; doneDate?: string }) {
  const { twilio: creds, publicBaseUrl } = s.app.config;
  if (!creds) throw new Error('providerReports needs a server started with Twilio credentials (a stand-in’s env)');
  const path = '/webhooks/twilio/sms/status';
  const params: Record<string, string> = { MessageSid: input.messageSid, AccountSid: creds.accountSid, MessageStatus: input.status, ApiVersion: '2010-04-01' };
  if (input.errorCode) params.ErrorCode = input.errorCode;
  if (input.doneDate) params.RawDlrDoneDate = input.doneDate;
  const signature = twilio.getExpectedTwilioSignature(creds.authToken, publicBaseUrl + path, params);
  const res = await fetch(s.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  if (res.status >= 300) throw new Error(`the SMS status webhook answered ${res.status}: ${await res.text()}`);
}

/** Gives a department an SMS number, so texts to it land in that department's inbox. */
export async function smsNumber(s: TestServer, departmentCode: string, number: string) {
  const departmentId = await s.department(departmentCode);
  await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId, channel: 'sms', address: number, isDefault: false }, m));
}

/** A user made directly in the database, without logging in (s.user logs admins in, using up the TOTP step). */
export async function makeUser(s: TestServer, email: string, role: Role, departments: string[], totpSecret?: string) {
  const ids: number[] = [];
  for (const code of departments) ids.push(await s.department(code));
  const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);
  const u = await s.app.db.transaction((m) =>
    s.app.auth.users.create({ email, name: email.split('@')[0].replace(/\./g, ' '), passwordHash, role, departmentIds: ids }, m),
  );
  if (totpSecret) await s.app.db.transaction((m) => s.app.auth.users.update(u.id, { totpSecret, totpEnabled: true }, m));
  return u.id;
}

/** Fills the log-in form and submits it with Enter, as a person would. */
export async function logIn(page: Page, url: string, email: string, opts: { password?: string; code?: string } = {}) {
  await page.goto(`${url}/`);
  await page.fill('input[autocomplete="username"]', email);
  await page.fill('input[autocomplete="current-password"]', opts.password ?? TEST_PASSWORD);
  if (opts.code) await page.fill('input[autocomplete="one-time-code"]', opts.code);
  await page.press('input[autocomplete="current-password"]', 'Enter');
}
