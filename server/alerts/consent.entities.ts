import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

export const CONSENT_ACTIONS = ['subscribe', 'change', 'unsubscribe', 'stop'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

/**
 * What a resident agreed to or withdrew, when, from which number and client: one row per change,
 * never updated, kept when the resident leaves. `text` is the sentence as it was shown, in
 * `language`; `choice` the locality, streets and categories it covered (JSON).
 */
export interface AlertConsent {
  id: number;
  subscriberId: number | null;
  phone: string;
  action: ConsentAction;
  text: string;
  language: string;
  choice: string | null;
  /** web (the pages or the JSON endpoints) or sms (STOP). */
  via: 'web' | 'sms';
  /** The client's address for web; null for SMS. */
  client: string | null;
  /** For STOP: our number it was sent to. */
  ourNumber: string | null;
  createdAt: Date;
}
export const AlertConsentEntity = new EntitySchema<AlertConsent>({
  name: 'AlertConsent',
  tableName: 'alert_consents',
  columns: {
    id,
    subscriberId: { type: Number, name: 'subscriber_id', nullable: true },
    phone: { type: String, length: 32 },
    action: { type: String, length: 16 },
    text: { type: 'text' },
    language: { type: String, length: 8 },
    choice: { type: 'text', nullable: true },
    via: { type: String, length: 16 },
    client: { type: String, length: 64, nullable: true },
    ourNumber: { type: String, length: 32, nullable: true, name: 'our_number' },
    createdAt: at('created_at'),
  },
});
