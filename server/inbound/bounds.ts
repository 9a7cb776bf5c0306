import { createHash } from 'node:crypto';
import { cutTo, maxLengthOf } from '../core/db/columns';
import { ContactEmailEntity, ContactEntity, InquiryEntity, MessageEntity } from '../register/module';
import type { InboundContact } from './contract';

/** What was changed on the way in, and why: kept on the message (meta.bounded) for staff to see. */
export interface Bounded {
  field: 'from' | 'name' | 'to' | 'subject' | 'externalId';
  reason: string;
  /** The start of what was given, when it was refused rather than cut. */
  given?: string;
}

const GIVEN_KEPT = 400;

/** The columns each value lands in; the narrowest decides. */
const limits = () => ({
  address: Math.min(maxLengthOf(ContactEmailEntity, 'address'), maxLengthOf(InquiryEntity, 'citizenAddress'), maxLengthOf(MessageEntity, 'fromAddress')),
  to: Math.min(maxLengthOf(InquiryEntity, 'channelAddress'), maxLengthOf(MessageEntity, 'toAddress')),
  name: maxLengthOf(ContactEntity, 'name'),
  subject: Math.min(maxLengthOf(InquiryEntity, 'subject'), maxLengthOf(MessageEntity, 'subject')),
  externalId: maxLengthOf(MessageEntity, 'externalId'),
});

/**
 * An inbound item with every outside value fitted to its column before anything is written: a
 * value one character too long used to fail the whole insert, every retry, until the item was
 * skipped. Free text (a name, a subject) is cut. An address is an identity, and a cut one would be
 * someone else's: it is left out (no contact is matched or made by it and nothing is sent to it),
 * and the message records what was given. A provider's id too long to store is replaced by its
 * hash, which is as stable, so a second delivery is still recognised.
 */
export function boundInbound(input: InboundContact): { input: InboundContact; bounded: Bounded[] } {
  const max = limits();
  const bounded: Bounded[] = [];
  const from = { ...input.from };
  for (const key of ['email', 'phone'] as const) {
    const v = from[key];
    if (v !== undefined && v.length > max.address) {
      delete from[key];
      bounded.push({ field: 'from', reason: `address longer than ${max.address} characters`, given: cutTo(v, GIVEN_KEPT) });
    }
  }
  if (from.name !== undefined && from.name.length > max.name) {
    from.name = cutTo(from.name, max.name);
    bounded.push({ field: 'name', reason: `cut to ${max.name} characters` });
  }
  let to = input.to;
  if (to && to.length > max.to) {
    bounded.push({ field: 'to', reason: `address longer than ${max.to} characters`, given: cutTo(to, GIVEN_KEPT) });
    to = null;
  }
  let subject = input.subject;
  if (subject && subject.length > max.subject) {
    subject = cutTo(subject, max.subject);
    bounded.push({ field: 'subject', reason: `cut to ${max.subject} characters` });
  }
  let externalId = input.externalId;
  if (externalId.length > max.externalId) {
    externalId = `sha256:${createHash('sha256').update(externalId).digest('hex')}`;
    bounded.push({ field: 'externalId', reason: `longer than ${max.externalId} characters: stored as its SHA-256` });
  }
  if (!bounded.length) return { input, bounded };
  return { input: { ...input, from, to, subject, externalId }, bounded };
}
