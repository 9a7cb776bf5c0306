import { z } from 'zod';
import { LANGUAGES, type Lang } from './languages';

/*
 * What the menu remembers between two webhooks of one call: language, tries, and the department
 * it is dealing with. It travels in the query of the URLs we hand Twilio; Twilio signs the URL it
 * calls back with our auth token, so a caller cannot alter it. Anything that must not be trusted to
 * a URL (codes, verification attempts) lives in the database instead.
 */
export const callStateSchema = z
  .object({
    l: z.enum(LANGUAGES),
    t: z.coerce.number().int().min(0).max(9),
    d: z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/i)
      .optional(),
  })
  .strip();

export interface CallState {
  lang: Lang;
  tries: number;
  department?: string;
}

export function stateQuery(s: CallState): Record<string, string> {
  return { l: s.lang, t: String(s.tries), ...(s.department ? { d: s.department } : {}) };
}

/** The state from a webhook's query; a missing state is a fresh call in `fallback` language. */
export function stateFromQuery(query: unknown, fallback: Lang): CallState | null {
  const q = (query ?? {}) as Record<string, unknown>;
  if (q.l === undefined && q.t === undefined && q.d === undefined) return { lang: fallback, tries: 0 };
  const r = callStateSchema.safeParse(q);
  if (!r.success) return null;
  return { lang: r.data.l, tries: r.data.t, ...(r.data.d ? { department: r.data.d } : {}) };
}

/** The webhook paths of a call; the steps name them, the channel mounts them. */
export const VOICE_BASE = '/webhooks/twilio/voice';
export const voicePaths = {
  start: VOICE_BASE,
  menu: `${VOICE_BASE}/menu`,
  closed: `${VOICE_BASE}/closed`,
  wait: `${VOICE_BASE}/wait`,
  dial: `${VOICE_BASE}/dial`,
  status: `${VOICE_BASE}/status`,
  caseNumber: `${VOICE_BASE}/case-status/number`,
  caseCode: `${VOICE_BASE}/case-status/code`,
  caseMore: `${VOICE_BASE}/case-status/more`,
  audio: `${VOICE_BASE}/audio`,
} as const;
