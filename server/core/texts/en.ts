import type { ServerTexts } from './nb';

/** English: the same keys as nb.ts (the type checker holds it to that). */

const caller = (phone: string | null) => phone ?? 'withheld number';

export const en: ServerTexts = {
  callIncoming: (phone, department) => `Incoming call from ${caller(phone)} to ${department}.`,
  callbackWanted: (phone, department) => `Wants to be called back: ${caller(phone)} called ${department} outside opening hours.`,
  callMissed: (seconds, phone) => `Missed call after ${seconds} s in the queue. Call back: ${caller(phone)}.`,
  callAnswered: (agent) => `The call was answered by ${agent}.`,
  callTransferred: (from, to, note) => `Transferred from ${from} to ${to}: ${note}`,

  smsHelp: 'Reply STOP to opt out, START to opt back in.',

  mailReceiptSubject: (about, tag) => `Received: ${about} ${tag}`,
  mailReceiptNoSubject: 'Inquiry',
  mailReceiptReceived: (reference) => `We have received your inquiry. Reference number: ${reference}.`,
  formReceiptSubject: (title, tag) => `Receipt: ${title} ${tag}`,
  formReceiptReceived: (title, reference) => `We have received your inquiry "${title}". Your reference number is ${reference}.`,
  smsReceipt: (reference) => `We have received your inquiry. Reference: ${reference}.`,
  replyToAdd: 'Reply to this e-mail to add anything; keep the reference in the subject line.',
  automaticMessage: 'This is an automatic message.',
};
