import type { Channel } from '../contracts/names';

/*
 * The kinds of content a retention rule covers, and what the purge does with each once its time
 * has passed. Pure values, shared by the rules' API, the purge and the README.
 */
export const RETENTION_KINDS = ['inquiry_messages', 'attachments', 'call_recordings', 'alert_subscriptions', 'audit_events', 'delivery_events'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Kinds kept per channel and department; the others have one rule for everything. */
export const SCOPED_KINDS: readonly RetentionKind[] = ['inquiry_messages', 'attachments', 'delivery_events'];

export interface RetentionRule {
  id: number;
  kind: RetentionKind;
  /** null: every channel. */
  channel: Channel | null;
  /** null: every department. */
  departmentId: number | null;
  keepDays: number;
}

/** 0 generic, 1 a channel, 2 a department, 3 both: for one row the most specific matching rule wins. */
export const specificity = (r: { channel: string | null; departmentId: number | null }) => (r.channel ? 1 : 0) + (r.departmentId ? 2 : 0);

export const cutoffOf = (rule: { keepDays: number }, now: Date) => new Date(now.getTime() - rule.keepDays * 86_400_000);
