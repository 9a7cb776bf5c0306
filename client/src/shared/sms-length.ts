import { SegmentedMessage } from 'sms-segments-calculator';

/*
 * SMS length as the network counts it (3GPP TS 23.038), by the same library the server uses to
 * count segments and cost before a send (channels/twilio-sms/compose-text.ts), so the number the
 * agent sees while typing is the number the officer is charged for. This module only reshapes the
 * library's answer for the counter: units, capacity per part and what is left in the last part.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Characters as a person counts them (graphemes: an emoji with its skin tone is one). */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** Capacity of one part at this length: 160/153 or 70/67. */
  perSegment: number;
  /** Units left in the last part before another part starts. */
  remaining: number;
  /** The characters that forced UCS-2, so the agent can replace them. */
  nonGsm: string[];
}

export function smsLength(text: string): SmsLength {
  const m = new SegmentedMessage(text);
  const encoding = m.encodingName;
  const bitsPerUnit = encoding === 'GSM-7' ? 7 : 16;
  const single = encoding === 'GSM-7' ? 160 : 70;
  const nonGsm = [...new Set(m.getNonGsmCharacters())];
  if (text === '') return { encoding, characters: 0, units: 0, segments: 0, perSegment: single, remaining: single, nonGsm };
  const segments = m.segmentsCount;
  const last = m.segments[m.segments.length - 1];
  return {
    encoding,
    characters: m.graphemes.length,
    units: m.messageSize / bitsPerUnit,
    segments,
    perSegment: segments === 1 ? single : encoding === 'GSM-7' ? 153 : 67,
    remaining: Math.floor(last.freeSizeInBits() / bitsPerUnit),
    nonGsm,
  };
}
