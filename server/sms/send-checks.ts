import type { CountryCode } from 'libphonenumber-js';
import type { AuditRepository } from '../core/audit.repository';
import { badRequest } from '../core/errors';
import { toE164 } from '../core/phone';
import type { Recipient } from './outbound.service';
import type { SendGate } from './send-gate';

/* What is checked before a send is stored, and what of the officer's choices the audit log keeps beside it. */

/** Number prefixes (7 characters: enough for +1 and +7 area codes) in countries not on the allow-list; one check per prefix. */
export async function outsidePrefixes(gate: SendGate, phones: string[]): Promise<Set<string>> {
  const samples = new Map<string, string>();
  for (const p of phones) if (!samples.has(p.slice(0, 7))) samples.set(p.slice(0, 7), p);
  const outside = await gate.outsideCountries([...samples.values()]);
  return new Set(outside.map((x) => x.phone.slice(0, 7)));
}

/** 400 naming every recipient in a country we do not send to; checked before anything is written. */
export async function assertCountries(gate: SendGate, defaultCountry: CountryCode, to: Recipient[]): Promise<void> {
  const phones = to.map((r) => toE164(r.phone, defaultCountry) ?? r.phone);
  const outside = new Map((await gate.outsideCountries([...new Set(phones)])).map((x) => [x.phone, x.country]));
  const bad = phones.map((phone, i) => ({ phone, i })).filter((x) => outside.has(x.phone));
  if (bad.length)
    throw badRequest(
      `SMS may not go to ${[...new Set(bad.map((x) => outside.get(x.phone) ?? 'unknown country'))].join(', ')}: not on the country allow-list`,
      bad
        .slice(0, 100)
        .map((x) => ({ path: ['to', x.i], message: `${x.phone}: ${outside.get(x.phone) ?? 'unknown country'} is not on the country allow-list` })),
    );
}

/** The officer's deliberate choices, in the send's own transaction: an emergency, a send within quiet hours. */
export async function auditChoices(
  audit: AuditRepository,
  userId: number,
  sendId: number,
  x: { emergency: boolean; overridesQuiet: boolean },
  route: string,
  m: Parameters<AuditRepository['record']>[1],
): Promise<void> {
  const rows = [
    ...(x.emergency ? [{ userId, action: 'update' as const, entityType: 'sms_send' as const, entityId: `emergency:${sendId}`, route }] : []),
    ...(x.overridesQuiet ? [{ userId, action: 'update' as const, entityType: 'sms_send' as const, entityId: `quiet_hours_off:${sendId}`, route }] : []),
  ];
  if (rows.length) await audit.record(rows, m);
}
