import type { AuditRepository } from '../core/audit.repository';
import type { DepartmentRepository } from '../register/module';
import { assertMay, seesEveryDepartment, type Actor } from '../core/access';
import { forbidden, notFound } from '../core/errors';
import type { SmsSendRepository } from './sends.repository';
import type { SmsReportRepository } from './reports.repository';
import { ReportTally } from './reports.tally';
import type { SmsPeriodReportView, SmsSendReportView } from '../contracts/sms-reports';

/** Where a read came from, for the audit trail. */
export interface ReportReadAt {
  route: string;
  ip?: string;
  /** `csv` for an export; it is recorded under a route of its own either way. */
  format: 'json' | 'csv';
}

export type SendReport = SmsSendReportView;
export type PeriodReport = SmsPeriodReportView;

/**
 * SMS reports for officers, admins and records: per send and per period, recipients, counts by
 * status, segments and estimated cost (the broadcast preview's price per segment), time from
 * hand-over to delivery, and failures by operator reason and by operator. Officers see their
 * departments' sends only, as in the delivery views; admins and records see all. A report holds
 * no numbers or texts, so a read is one audit row (the send, or the department or "all" of a period).
 */
export class SmsReportService {
  constructor(
    private readonly deps: {
      reports: SmsReportRepository;
      sends: SmsSendRepository;
      departments: DepartmentRepository;
      audit: AuditRepository;
      price: { amount: number; currency: string };
    },
  ) {}

  private scope(actor: Actor): number[] | undefined {
    assertMay(actor, 'readSmsReports', 'Your role may not read SMS reports');
    return seesEveryDepartment(actor) ? undefined : actor.departmentIds;
  }

  async forSend(actor: Actor, sendId: number, at: ReportReadAt): Promise<SendReport> {
    const scope = this.scope(actor);
    const send = await this.deps.sends.byId(sendId);
    // Another department's send is not found, as another department's message is in the views.
    if (!send || (scope && !scope.includes(send.departmentId))) throw notFound('Send');
    const tally = new ReportTally(this.deps.price);
    for await (const page of this.deps.reports.messages({ sendId })) for (const m of page) tally.add(m);
    const department = await this.deps.departments.byId(send.departmentId);
    await this.read(actor, send.id, at);
    return {
      send: {
        id: send.id,
        department: department?.code ?? null,
        sender: send.sender,
        state: send.state,
        createdAt: send.createdAt,
        recipients: send.recipients,
      },
      ...tally.result(),
    };
  }

  async forPeriod(actor: Actor, q: { from: Date; to: Date; department?: string }, at: ReportReadAt): Promise<PeriodReport> {
    const scope = this.scope(actor);
    let departmentIds = scope;
    if (q.department !== undefined) {
      const d = await this.deps.departments.byCode(q.department);
      if (!d) throw notFound('Department');
      if (scope && !scope.includes(d.id)) throw forbidden('You are not in that department');
      departmentIds = [d.id];
    }
    const tally = new ReportTally(this.deps.price);
    for await (const page of this.deps.reports.messages({ departmentIds, from: q.from, to: q.to })) for (const m of page) tally.add(m);
    await this.read(actor, q.department ?? 'all', at);
    return { period: { from: q.from, to: q.to, department: q.department ?? null }, ...tally.result({ from: q.from, to: q.to }) };
  }

  private read(actor: Actor, entityId: number | string, at: ReportReadAt): Promise<void> {
    return this.deps.audit.record([
      {
        userId: actor.id,
        action: 'read',
        entityType: typeof entityId === 'number' ? 'sms_send' : 'department',
        entityId,
        route: at.route,
        ip: at.ip,
      },
    ]);
  }
}
