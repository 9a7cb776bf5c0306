import { handOverOf, percentile, ReportTally } from './reports.tally';
import type { ReportEvent, ReportMessage } from './reports.repository';

const t = (s: number) => new Date(Date.UTC(2026, 11, 1, 8, 0, s));
const ev = (status: ReportEvent['status'], at: Date, providerStatus: string | null = null, detail: ReportEvent['detail'] = null): ReportEvent => ({
  status,
  providerStatus,
  at,
  detail,
});
const msg = (id: number, status: ReportMessage['status'], events: ReportEvent[], body = 'Hei'): ReportMessage => ({
  id,
  status,
  body,
  createdAt: t(0),
  country: 'NO',
  operator: 'Telenor',
  events,
});

describe('nearest-rank percentiles', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.95, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4], 0.95, 4],
    [Array.from({ length: 20 }, (_, i) => i + 1), 0.95, 19],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.5, 50],
  ])('%j at %d is %j', (values, q, out) => {
    expect(percentile(values, q)).toBe(out);
  });
});

describe('report tally', () => {
  it('starts the clock at the first event the provider reported, not at the stored one', () => {
    expect(handOverOf([ev('queued', t(0)), ev('queued', t(5), 'queued'), ev('sent', t(9), 'sent')])?.at).toEqual(t(5));
    expect(handOverOf([ev('queued', t(0)), ev('stopped', t(1))])).toBeNull();
  });

  it('bills what the provider took: its own segment count, else the text’s; nothing for a message never handed over', () => {
    const tally = new ReportTally({ amount: 0.1, currency: 'NOK' });
    tally.add(msg(1, 'delivered', [ev('queued', t(0)), ev('queued', t(1), 'queued', { segments: 3 }), ev('delivered', t(4), 'delivered')]));
    // 161 GSM characters: two segments, counted from the text.
    tally.add(msg(2, 'sent', [ev('queued', t(0)), ev('sent', t(2), 'sent')], 'x'.repeat(161)));
    tally.add(msg(3, 'stopped', [ev('queued', t(0)), ev('stopped', t(1), null, { reason: 'stop_list' })], 'x'.repeat(400)));
    tally.add(msg(4, 'failed', [ev('queued', t(0)), ev('failed', t(1), null, { errorCode: 'provider_unreachable', errorMessage: 'down' })]));
    const r = tally.result();
    expect(r.segments).toBe(5);
    expect(r.cost).toEqual({ amount: 0.5, currency: 'NOK', perSegment: 0.1 });
    expect(r.handedOver).toBe(2);
    expect(r.timeToDelivery).toEqual({ measured: 1, p50Ms: 3000, p95Ms: 3000 });
    expect(r.statuses).toEqual({ delivered: 1, sent: 1, stopped: 1, failed: 1 });
    expect(r.failures.reasons).toEqual([{ code: 'provider_unreachable', message: 'down', count: 1 }]);
    expect(r.days).toEqual([{ date: '2026-12-01', sent: 2, delivered: 1, failed: 1 }]);
  });

  it('fills every day of a period, quiet days as zeros', () => {
    const r = new ReportTally({ amount: 0.08, currency: 'USD' }).result({ from: new Date('2026-11-29T12:00:00Z'), to: new Date('2026-12-02T00:00:00Z') });
    expect(r.days.map((d) => d.date)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
  });
});
