/*
 * SMS length as the network counts it (3GPP TS 23.038): a text that fits the GSM 03.38 alphabet is
 * sent in 7-bit septets, 160 in one message or 153 per part once a User Data Header is needed; the
 * extension characters cost two septets (escape + char). Anything else goes as UCS-2: 70 UTF-16
 * code units alone, 67 per part. A character is never split across parts, so the parts are filled
 * greedily instead of dividing the total.
 */

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

const basic = new Set(Array.from(GSM_BASIC));
const extension = new Set(Array.from(GSM_EXTENSION));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Characters as a person counts them (code points). */
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

function costs(text: string): { encoding: SmsEncoding; costs: number[]; nonGsm: string[] } {
  const chars = Array.from(text);
  const nonGsm = [...new Set(chars.filter((c) => !basic.has(c) && !extension.has(c)))];
  if (nonGsm.length === 0) return { encoding: 'GSM-7', costs: chars.map((c) => (extension.has(c) ? 2 : 1)), nonGsm };
  return { encoding: 'UCS-2', costs: chars.map((c) => c.length), nonGsm };
}

export function smsLength(text: string): SmsLength {
  const { encoding, costs: c, nonGsm } = costs(text);
  const single = encoding === 'GSM-7' ? 160 : 70;
  const multi = encoding === 'GSM-7' ? 153 : 67;
  const units = c.reduce((a, b) => a + b, 0);
  if (units === 0) return { encoding, characters: 0, units: 0, segments: 0, perSegment: single, remaining: single, nonGsm };
  if (units <= single) return { encoding, characters: c.length, units, segments: 1, perSegment: single, remaining: single - units, nonGsm };
  let segments = 1;
  let used = 0;
  for (const cost of c) {
    if (used + cost > multi) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, characters: c.length, units, segments, perSegment: multi, remaining: multi - used, nonGsm };
}
