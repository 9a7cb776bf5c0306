import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

/** Recurring sends to an audience, the occurrences that came due, and the holidays series may skip. */

export const SERIES_STATES = ['scheduled', 'cancelled', 'sent'] as const;
export type SeriesState = (typeof SERIES_STATES)[number];

export interface SmsSeries {
  id: number;
  departmentId: number;
  sender: string;
  body: string;
  audience: Record<string, unknown>;
  /** The RFC 5545 RRULE as the officer wrote it (no DTSTART: the first occurrence is `firstAt`). */
  rrule: string;
  /** The zone the rule's times are read in, fixed when the series is made. */
  timeZone: string;
  skipHolidays: boolean;
  /** `scheduled` while occurrences are ahead, `sent` when the rule has run out, `cancelled`. */
  state: SeriesState;
  firstAt: Date;
  nextAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export const SmsSeriesEntity = new EntitySchema<SmsSeries>({
  name: 'SmsSeries',
  tableName: 'sms_series',
  columns: {
    id,
    departmentId: { type: Number, name: 'department_id' },
    sender: { type: String, length: 32 },
    body: { type: 'text' },
    audience: { type: 'simple-json' },
    rrule: { type: String, length: 500 },
    timeZone: { type: String, length: 64, name: 'time_zone' },
    skipHolidays: { type: Boolean, name: 'skip_holidays', default: false },
    state: { type: String, length: 24 },
    firstAt: at('first_at'),
    nextAt: at('next_at', true),
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

/** An occurrence that came due: the send made for it, or why none was (`holiday`, `nobody`). */
export interface SmsSeriesOccurrence {
  id: number;
  seriesId: number;
  occursAt: Date;
  sendId: number | null;
  skipped: string | null;
  createdAt: Date;
}
export const SmsSeriesOccurrenceEntity = new EntitySchema<SmsSeriesOccurrence>({
  name: 'SmsSeriesOccurrence',
  tableName: 'sms_series_occurrences',
  columns: {
    id,
    seriesId: { type: Number, name: 'series_id' },
    occursAt: at('occurs_at'),
    sendId: { type: Number, name: 'send_id', nullable: true },
    skipped: { type: String, length: 24, nullable: true },
    createdAt: at('created_at'),
  },
});

export interface SmsHoliday {
  id: number;
  /** A local date, YYYY-MM-DD. */
  day: string;
  name: string | null;
  updatedBy: number | null;
  updatedAt: Date;
}
export const SmsHolidayEntity = new EntitySchema<SmsHoliday>({
  name: 'SmsHoliday',
  tableName: 'sms_holidays',
  columns: {
    id,
    day: { type: String, length: 10 },
    name: { type: String, length: 100, nullable: true },
    updatedBy: { type: Number, name: 'updated_by', nullable: true },
    updatedAt: at('updated_at'),
  },
});

export const smsSeriesEntities = [SmsSeriesEntity, SmsSeriesOccurrenceEntity, SmsHolidayEntity];
