/*
 * Subject tags that thread a mail onto the register: our own inquiry tag "[#123]", which every
 * outbound mail carries, and a case tag as case systems write it, "[Sak 2026/1234]" (also
 * "Saksnr", "Sak nr.", "Case", "Ref").
 */
const INQUIRY_TAG = /\[#(\d{1,10})\]/;
const CASE_TAG = /\[\s*(?:sak(?:snr\.?|\s*nr\.?)?|case|ref\.?)\s*:?\s*(\d{2,4}[/-]\d{1,7})\s*\]/i;

export interface SubjectTags {
  inquiryId?: number;
  caseNumber?: string;
}

export function extractTags(subject: string | null | undefined): SubjectTags {
  const s = subject ?? '';
  const tags: SubjectTags = {};
  const inquiry = INQUIRY_TAG.exec(s);
  if (inquiry) {
    const id = Number(inquiry[1]);
    if (Number.isSafeInteger(id) && id > 0) tags.inquiryId = id;
  }
  const kase = CASE_TAG.exec(s);
  if (kase) tags.caseNumber = kase[1].replace('-', '/');
  return tags;
}

export const inquiryTag = (inquiryId: number) => `[#${inquiryId}]`;

/** The subject of a reply: "Re: " once, and the inquiry's tag once. */
export function replySubject(subject: string | null | undefined, inquiryId: number | null): string {
  let s = (subject ?? '').replace(/\s+/g, ' ').trim() || 'Henvendelse';
  if (!/^(re|sv|aw)\s*:/i.test(s)) s = `Re: ${s}`;
  if (inquiryId !== null && !s.includes(inquiryTag(inquiryId))) s = `${s} ${inquiryTag(inquiryId)}`;
  return s.slice(0, 255);
}
