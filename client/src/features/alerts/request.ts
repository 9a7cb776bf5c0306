import { firstOccurrence, toRrule, type Recurrence } from './recurrence';

/*
 * What the compose screen sends, built from what the officer chose (MISSION.md, "Resident
 * alerts"): the audience, emergency, when, the recurrence, and the quiet-hours override. Only
 * the fields the officer used are written, so a plain send stays a plain send.
 */

export interface Place {
  id: string;
  name: string;
}

export interface AudienceChoice {
  all: boolean;
  localities: Place[];
  streets: Place[];
  categories: string[];
}

export type When = { kind: 'now' } | { kind: 'at'; at: string } | { kind: 'recurring'; rule: Recurrence; skipHolidays?: boolean };

export interface Composition {
  body: string;
  audience: AudienceChoice;
  emergency: boolean;
  when: When;
  /** "Send even within quiet hours": the officer's deliberate choice (`quietHours: false`). */
  overrideQuietHours: boolean;
}

export type SubscribersAudience = { subscribers: { all?: true; localities?: string[]; streets?: string[]; categories?: string[] } };

/** The audience, or null while no area is named (the server needs all, localities or streets). */
export function audienceOf(a: AudienceChoice, emergency: boolean): SubscribersAudience | null {
  // An emergency reaches everyone in the area whatever their interests, so categories are left out.
  const categories = !emergency && a.categories.length ? { categories: [...a.categories] } : {};
  if (a.all) return { subscribers: { all: true, ...categories } };
  if (a.localities.length + a.streets.length === 0) return null;
  return {
    subscribers: {
      ...(a.localities.length ? { localities: a.localities.map((p) => p.id) } : {}),
      ...(a.streets.length ? { streets: a.streets.map((p) => p.id) } : {}),
      ...categories,
    },
  };
}

/** A `datetime-local` value (local wall clock) as an ISO instant, or null. */
export function instantOf(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(local)) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export type SendRequest = {
  body: string;
  audience: SubscribersAudience;
  emergency?: true;
  sendAt?: string;
  rrule?: string;
  /** A recurring send makes no occurrence on a day of the holiday list (GET /api/sms/holidays). */
  skipHolidays?: true;
  quietHours?: false;
};

/** The POST /api/sms/messages body, or a reason it cannot be sent yet. */
export function sendRequestOf(c: Composition, now: Date): { ok: true; request: SendRequest } | { ok: false; reason: 'body' | 'audience' | 'when' } {
  if (!c.body.trim()) return { ok: false, reason: 'body' };
  const audience = audienceOf(c.audience, c.emergency);
  if (!audience) return { ok: false, reason: 'audience' };
  const request: SendRequest = { body: c.body, audience };
  if (c.emergency) request.emergency = true;
  if (c.overrideQuietHours && !c.emergency) request.quietHours = false;
  if (c.when.kind === 'at') {
    const at = instantOf(c.when.at);
    if (!at || new Date(at) <= now) return { ok: false, reason: 'when' };
    request.sendAt = at;
  } else if (c.when.kind === 'recurring') {
    const rrule = toRrule(c.when.rule);
    const first = firstOccurrence(c.when.rule, now);
    if (!rrule || !first) return { ok: false, reason: 'when' };
    request.rrule = rrule;
    request.sendAt = first.toISOString();
    if (c.when.skipHolidays) request.skipHolidays = true;
  }
  return { ok: true, request };
}

/** Inserts a merge field at the caret (or replaces the selection); returns the new text and caret. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + insert + text.slice(b), caret: a + insert.length };
}
