import type { Inquiry } from '../register/module';
import { inquiryTag } from '../../channels/mail-format/case-tag';
import { bilingual, texts } from '../core/texts';

/** The automatic receipt's text, in Norwegian and English, with the reference the citizen can quote. */
export function receiptFor(inquiry: Pick<Inquiry, 'id'>, subject: string | null): { subject: string; body: string } {
  const nb = texts('nb');
  const en = texts('en');
  const about = subject ? subject.replace(/\s+/g, ' ').trim().slice(0, 150) : nb.mailReceiptNoSubject;
  return {
    subject: nb.mailReceiptSubject(about, inquiryTag(inquiry.id)).slice(0, 255),
    body: [
      nb.mailReceiptReceived(inquiry.id),
      nb.replyToAdd,
      '',
      en.mailReceiptReceived(inquiry.id),
      en.replyToAdd,
      '',
      bilingual((t) => t.automaticMessage),
    ].join('\n'),
  };
}
