import type { Inquiry } from '../register/entities';
import { inquiryTag } from '../../channels/mail-format/case-tag';

/** The automatic receipt's text, in Norwegian and English, with the reference the citizen can quote. */
export function receiptFor(inquiry: Pick<Inquiry, 'id'>, subject: string | null): { subject: string; body: string } {
  const tag = inquiryTag(inquiry.id);
  const about = subject ? subject.replace(/\s+/g, ' ').trim().slice(0, 150) : 'Henvendelse';
  return {
    subject: `Mottatt: ${about} ${tag}`.slice(0, 255),
    body: [
      `Vi har mottatt henvendelsen din. Referansenummer: ${inquiry.id}.`,
      'Svar på denne e-posten hvis du vil legge til noe; behold referansen i emnefeltet.',
      '',
      `We have received your inquiry. Reference number: ${inquiry.id}.`,
      'Reply to this e-mail to add anything; keep the reference in the subject line.',
      '',
      'Dette er en automatisk melding. / This is an automatic message.',
    ].join('\n'),
  };
}
