import type { MessageStatus } from './names';

/*
 * SMS reports as the API sends them (GET /api/sms/sends/:id/report, GET /api/sms/reports), shared
 * by the server and the console's charts with `import type`. Pure types; imports only ./names.
 */

/** An operator's reason for failed and undelivered messages: its error code and text, and how many. */
export interface SmsFailureReason {
  code: string;
  message: string;
  count: number;
}

export interface SmsOperatorFigures {
  country: string | null;
  operator: string | null;
  recipients: number;
  delivered: number;
  failed: number;
}

export interface SmsDayFigures {
  /** UTC calendar day of the messages' creation, YYYY-MM-DD. */
  date: string;
  /** Handed to the provider. */
  sent: number;
  delivered: number;
  /** Failed or undelivered. */
  failed: number;
}

export interface SmsReportFigures {
  recipients: number;
  statuses: Partial<Record<MessageStatus, number>>;
  /** Messages the provider took (a hand-over event): only those are billed. */
  handedOver: number;
  /** The provider's segment count per message where it gave one, else the count of the text. */
  segments: number;
  cost: { amount: number; currency: string; perSegment: number };
  /** Hand-over to delivery report, in milliseconds, nearest-rank percentiles; null with nothing delivered. */
  timeToDelivery: { measured: number; p50Ms: number | null; p95Ms: number | null };
  failures: { reasons: SmsFailureReason[]; byOperator: SmsOperatorFigures[] };
  /** Per day; a period's report lists every day of it, quiet ones as zeros. */
  days: SmsDayFigures[];
}

export interface SmsSendReportView extends SmsReportFigures {
  send: { id: number; department: string | null; sender: string; state: string; createdAt: Date; recipients: number };
}

export interface SmsPeriodReportView extends SmsReportFigures {
  period: { from: Date; to: Date; department: string | null };
}
