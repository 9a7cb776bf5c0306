import { segmentInfo } from '../../channels/twilio-sms/compose-text';
import type { MessageStatus } from '../contracts/names';
import type { ReportEvent, ReportMessage } from './reports.repository';
import type {
  SmsDayFigures as DayFigures,
  SmsFailureReason as FailureReason,
  SmsOperatorFigures as OperatorFigures,
  SmsReportFigures as ReportFigures,
} from '../contracts/sms-reports';

/*
 * The arithmetic of an SMS report, fed one message at a time so the rows never sit in memory
 * together: what is kept grows with the distinct reasons, operators and days, plus one number per
 * delivered message for the percentiles.
 */

const FAILED: ReadonlySet<MessageStatus> = new Set(['failed', 'undelivered']);

export type {
  SmsFailureReason as FailureReason,
  SmsOperatorFigures as OperatorFigures,
  SmsDayFigures as DayFigures,
  SmsReportFigures as ReportFigures,
} from '../contracts/sms-reports';

/** The moment the provider took the message: its first event the provider reported, or a `sent` one. */
export function handOverOf(events: ReportEvent[]): ReportEvent | null {
  let first: ReportEvent | null = null;
  for (const e of events) if ((e.providerStatus !== null || e.status === 'sent') && (!first || e.at < first.at)) first = e;
  return first;
}

/** Nearest rank: the smallest value with at least q of all values at or below it. */
export function percentile(sorted: ArrayLike<number>, q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

export class ReportTally {
  private recipients = 0;
  private handedOver = 0;
  private segments = 0;
  private readonly statuses: Partial<Record<MessageStatus, number>> = {};
  private durations: number[] = [];
  private readonly reasons = new Map<string, FailureReason>();
  private readonly operators = new Map<string, OperatorFigures>();
  private readonly days = new Map<string, DayFigures>();
  // Most messages of a send share a text or a handful of merged ones; counting segments once per text saves the work.
  private readonly segmentCache = new Map<string, number>();

  constructor(private readonly price: { amount: number; currency: string }) {}

  add(m: ReportMessage): void {
    this.recipients++;
    this.statuses[m.status] = (this.statuses[m.status] ?? 0) + 1;
    const failed = FAILED.has(m.status);
    const delivered = m.status === 'delivered';
    const handOver = handOverOf(m.events);
    if (handOver) {
      this.handedOver++;
      this.segments += this.segmentsOf(m);
      const report = m.events.find((e) => e.status === 'delivered');
      if (report && report.at >= handOver.at) this.durations.push(report.at.getTime() - handOver.at.getTime());
    }
    if (failed) this.addReason(m);

    const opKey = `${m.country ?? ''}\u0000${m.operator ?? ''}`;
    const op = this.operators.get(opKey) ?? { country: m.country, operator: m.operator, recipients: 0, delivered: 0, failed: 0 };
    op.recipients++;
    if (delivered) op.delivered++;
    if (failed) op.failed++;
    this.operators.set(opKey, op);

    const date = m.createdAt.toISOString().slice(0, 10);
    const day = this.days.get(date) ?? { date, sent: 0, delivered: 0, failed: 0 };
    if (handOver) day.sent++;
    if (delivered) day.delivered++;
    if (failed) day.failed++;
    this.days.set(date, day);
  }

  /** The provider's own count when it gave one, else the count of the text as sent. */
  private segmentsOf(m: ReportMessage): number {
    for (const e of m.events) {
      const n = Number(e.detail?.segments);
      if (Number.isInteger(n) && n > 0) return n;
    }
    let n = this.segmentCache.get(m.body);
    if (n === undefined) {
      n = segmentInfo(m.body).segments;
      if (this.segmentCache.size >= 1000) this.segmentCache.clear();
      this.segmentCache.set(m.body, n);
    }
    return n;
  }

  /** The operator's reason from the last failed or undelivered event: its error code and text. */
  private addReason(m: ReportMessage): void {
    const last = [...m.events].reverse().find((e) => FAILED.has(e.status));
    const d = last?.detail ?? {};
    const code = String(d.errorCode ?? d.reason ?? last?.providerStatus ?? 'unknown');
    const message = typeof d.errorMessage === 'string' ? d.errorMessage : '';
    const key = `${code}\u0000${message}`;
    const r = this.reasons.get(key) ?? { code, message, count: 0 };
    r.count++;
    this.reasons.set(key, r);
  }

  result(days?: { from: Date; to: Date }): ReportFigures {
    const sorted = Float64Array.from(this.durations).sort();
    this.durations = [];
    const p50 = percentile(sorted, 0.5);
    const p95 = percentile(sorted, 0.95);
    return {
      recipients: this.recipients,
      statuses: { ...this.statuses },
      handedOver: this.handedOver,
      segments: this.segments,
      cost: {
        amount: Math.round(this.segments * this.price.amount * 100) / 100,
        currency: this.price.currency,
        perSegment: this.price.amount,
      },
      timeToDelivery: { measured: sorted.length, p50Ms: p50, p95Ms: p95 },
      failures: {
        reasons: [...this.reasons.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
        byOperator: [...this.operators.values()]
          .filter((o) => o.failed > 0)
          .sort((a, b) => b.failed - a.failed || (a.country ?? '').localeCompare(b.country ?? '') || (a.operator ?? '').localeCompare(b.operator ?? '')),
      },
      days: days ? everyDay(days.from, days.to, this.days) : [...this.days.values()].sort((a, b) => a.date.localeCompare(b.date)),
    };
  }
}

/** Every UTC day of the period, the quiet ones as zeros, so a chart's bars stand where their days are. */
function everyDay(from: Date, to: Date, seen: Map<string, DayFigures>): DayFigures[] {
  const out: DayFigures[] = [];
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let t = start; t < to.getTime(); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    out.push(seen.get(date) ?? { date, sent: 0, delivered: 0, failed: 0 });
  }
  return out;
}
