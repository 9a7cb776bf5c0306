import type { Page } from 'playwright-core';
import type { InboundContact } from '../../channels/types';
import type { Role } from '../../server/db/entities';
import { hashPassword } from '../../server/domain/passwords';
import { TEST_PASSWORD, TEST_PASSWORD_COST, type TestServer } from '../support/server';

/**
 * How a citizen's message reaches the register in the browser tests. For now straight through the
 * inbound service; when the SMS branch lands its signed webhook, this becomes a POST to
 * /webhooks/twilio/sms with an X-Twilio-Signature, and the tests above it stay as they are.
 */
export async function citizenSends(s: TestServer, input: Omit<InboundContact, 'receivedAt' | 'externalId' | 'to'> & { externalId?: string; to?: string }) {
  const r = await s.app.inbound.record({ externalId: `E2E-${Math.random().toString(36).slice(2)}`, to: '+4759440000', receivedAt: new Date(), ...input });
  return { inquiryId: r.inquiry.id, messageId: r.message.id };
}

/** A user made directly in the database, without logging in (s.user logs admins in, using up the TOTP step). */
export async function makeUser(s: TestServer, email: string, role: Role, departments: string[], totpSecret?: string) {
  const ids: number[] = [];
  for (const code of departments) ids.push(await s.department(code));
  const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);
  const u = await s.app.db.transaction((m) => s.app.repos.users.create({ email, name: email.split('@')[0].replace(/\./g, ' '), passwordHash, role, departmentIds: ids }, m));
  if (totpSecret) await s.app.db.transaction((m) => s.app.repos.users.update(u.id, { totpSecret, totpEnabled: true }, m));
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
