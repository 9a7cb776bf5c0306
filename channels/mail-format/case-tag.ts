/*
 * Subject tags that thread a mail onto the register: our own inquiry tag "[#123]", which every
 * outbound mail carries, and a case tag as case systems write it, "[Sak 2026/1234]" (also
 * "Saksnr", "Sak nr.", "Case", "Ref").
 */
const INQUIRY_TAG = /\[#(\d{1,10})\]/;
// One whitespace run before the optional colon and one after it: `\s*:?\s*` let two runs share the
// same spaces, which made a long run after "[sak" quadratic.
// The number as the case system wrote it: 2026/1234, 26-77, 2026001234, SAK-2026-17 (parts that
// cannot overlap, so no run is tried two ways).
const CASE_TAG = /\[\s*(?:sak(?:snr\.?|\s*nr\.?)?|case|ref\.?)\s*(?::\s*)?([a-z0-9]+(?:[/-][a-z0-9]+){0,3})\s*\]/i;
const PAIR_WITH_DASH = /^\d{2,4}-\d{1,7}$/;
/**
 * How much of a raw subject is searched for tags. Subjects are stored cut to 255 characters and
 * our own tag sits at the end of what we sent, so a tag past this is not one we wrote; the bound
 * keeps a hostile subject of a million characters cheap.
 */
export const MAX_SUBJECT_SCANNED = 2000;

export interface SubjectTags {
  inquiryId?: number;
  caseNumber?: string;
}

export function extractTags(subject: string | null | undefined): SubjectTags {
  const s = (subject ?? '').slice(0, MAX_SUBJECT_SCANNED);
  const tags: SubjectTags = {};
  const inquiry = INQUIRY_TAG.exec(s);
  if (inquiry) {
    const id = Number(inquiry[1]);
    if (Number.isSafeInteger(id) && id > 0) tags.inquiryId = id;
  }
  const kase = CASE_TAG.exec(s);
  // A tag without digits ("[Saksnr]") names no case; "26-77" is the same case as "26/77".
  if (kase && /\d/.test(kase[1])) tags.caseNumber = PAIR_WITH_DASH.test(kase[1]) ? kase[1].replace('-', '/') : kase[1];
  return tags;
}

export const inquiryTag = (inquiryId: number) => `[#${inquiryId}]`;

/** The subject of a reply: "Re: " once, and the inquiry's tag once. */
export function replySubject(subject: string | null | undefined, inquiryId: number | null): string {
  let s = (subject ?? '').slice(0, MAX_SUBJECT_SCANNED).replace(/\s+/g, ' ').trim() || 'Henvendelse';
  if (!/^(re|sv|aw)\s*:/i.test(s)) s = `Re: ${s}`;
  if (inquiryId !== null && !s.includes(inquiryTag(inquiryId))) s = `${s} ${inquiryTag(inquiryId)}`;
  return s.slice(0, 255);
}
