import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

export const CODE_STATES = ['pending', 'used', 'replaced'] as const;
export type CodeState = (typeof CODE_STATES)[number];

/**
 * A one-time code sent to a resident's number. Only a salted hash is kept; wrong tries are counted
 * on the shared rate-limit store (a refused guess must not write here). A newer code for the same
 * number replaces the older, so only the latest SMS counts.
 */
export interface AlertCode {
  id: number;
  phone: string;
  codeHash: string;
  salt: string;
  state: CodeState;
  /** The client that asked (an IPv4 address or an IPv6 /64). */
  client: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}
export const AlertCodeEntity = new EntitySchema<AlertCode>({
  name: 'AlertCode',
  tableName: 'alert_codes',
  columns: {
    id,
    phone: { type: String, length: 32 },
    codeHash: { type: String, length: 64, name: 'code_hash' },
    salt: { type: String, length: 32 },
    state: { type: String, length: 16 },
    client: { type: String, length: 64, nullable: true },
    createdAt: at('created_at'),
    expiresAt: at('expires_at'),
    usedAt: at('used_at', true),
  },
});
