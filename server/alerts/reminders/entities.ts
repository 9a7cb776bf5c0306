import { EntitySchema } from 'typeorm';
import { at, id } from '../../core/db/columns';

/*
 * Reminder modules (seed 001's add-ons): what a waste schedule, a power-cut notice or a finance
 * list says, and one row per reminder sent, whose unique key is what makes each reminder go once
 * however many processes tick and however often they restart.
 */

/** One collection: an area (a street, or a locality as a whole), a waste fraction, a day. */
export interface WasteCollection {
  id: number;
  localityId: number;
  streetId: number | null;
  /** `l<id>` for a whole locality, `s<id>` for a street: one column for the unique key. */
  areaKey: string;
  /** As the schedule names it ("Papier", "Restavfall"): the SMS says it in the resident's words. */
  fraction: string;
  fractionKey: string;
  /** YYYY-MM-DD, the municipality's calendar day. */
  collectOn: string;
  createdBy: number | null;
  createdAt: Date;
}
export const WasteCollectionEntity = new EntitySchema<WasteCollection>({
  name: 'WasteCollection',
  tableName: 'reminder_waste_collections',
  columns: {
    id,
    localityId: { type: Number, name: 'locality_id' },
    streetId: { type: Number, name: 'street_id', nullable: true },
    areaKey: { type: String, length: 32, name: 'area_key' },
    fraction: { type: String, length: 64 },
    fractionKey: { type: String, length: 64, name: 'fraction_key' },
    collectOn: { type: String, length: 10, name: 'collect_on' },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt: at('created_at'),
  },
});

export const POWER_CUT_STATES = ['planned', 'cancelled'] as const;
export type PowerCutState = (typeof POWER_CUT_STATES)[number];

/** A planned power cut: where (localities and streets, their union as in an audience), from when to when. */
export interface PowerCut {
  id: number;
  /** JSON `{localities: number[], streets: number[]}`. */
  area: string;
  startsAt: Date;
  endsAt: Date;
  note: string | null;
  state: PowerCutState;
  createdBy: number | null;
  createdAt: Date;
  cancelledAt: Date | null;
}
export const PowerCutEntity = new EntitySchema<PowerCut>({
  name: 'PowerCut',
  tableName: 'reminder_power_cuts',
  columns: {
    id,
    area: { type: 'text' },
    startsAt: at('starts_at'),
    endsAt: at('ends_at'),
    note: { type: String, length: 300, nullable: true },
    state: { type: String, length: 16 },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt: at('created_at'),
    cancelledAt: at('cancelled_at', true),
  },
});

/** One overdue payment from the finance list: only the number, the kind and the due day; never an amount or a name. */
export interface OverduePayment {
  id: number;
  phone: string;
  kind: string;
  dueOn: string;
  createdBy: number | null;
  createdAt: Date;
}
export const OverduePaymentEntity = new EntitySchema<OverduePayment>({
  name: 'OverduePayment',
  tableName: 'reminder_overdue_payments',
  columns: {
    id,
    phone: { type: String, length: 32 },
    kind: { type: String, length: 64 },
    dueOn: { type: String, length: 10, name: 'due_on' },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt: at('created_at'),
  },
});

export const DISPATCH_STATES = ['claimed', 'sent', 'nobody', 'failed'] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];

/**
 * A reminder claimed for sending (`waste:s12:papier:2026-03-10`, `power-cut:7:notice`). The row is
 * written before the send is asked for, so the unique key lets exactly one process send it.
 */
export interface ReminderDispatch {
  id: number;
  key: string;
  state: DispatchState;
  /** The sends the engine made for it, comma-separated (one per language). */
  sendIds: string | null;
  detail: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const ReminderDispatchEntity = new EntitySchema<ReminderDispatch>({
  name: 'ReminderDispatch',
  tableName: 'reminder_dispatches',
  columns: {
    id,
    key: { type: String, length: 191, name: 'reminder_key' },
    state: { type: String, length: 16 },
    sendIds: { type: String, length: 191, name: 'send_ids', nullable: true },
    detail: { type: String, length: 191, nullable: true },
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

/** The municipality's reminder settings: one row, written by an admin; absent means the defaults. */
export interface ReminderSettingsRow {
  id: number;
  timeZone: string;
  /** HH:MM on the evening before a collection or a cut. */
  eveningAt: string;
  updatedAt: Date;
}
export const ReminderSettingsEntity = new EntitySchema<ReminderSettingsRow>({
  name: 'ReminderSettings',
  tableName: 'reminder_settings',
  columns: {
    id,
    timeZone: { type: String, length: 64, name: 'time_zone' },
    eveningAt: { type: String, length: 5, name: 'evening_at' },
    updatedAt: at('updated_at'),
  },
});

export const reminderEntities = [WasteCollectionEntity, PowerCutEntity, OverduePaymentEntity, ReminderDispatchEntity, ReminderSettingsEntity];
