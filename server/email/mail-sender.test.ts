import pino from 'pino';
import type { Inquiry, Department, DepartmentAddress, DepartmentRepository, InquiryRepository } from '../register/module';
import type { MailRepository } from './mail.repository';
import { MailSender } from './mail-sender';
import type { MailToSend, MailTransport } from '../../channels/smtp/transport';
import { FakeMailTransport } from '../../channels/smtp/fake';

const inquiry = { id: 12, departmentId: 3, subject: 'Søknad om tilbygg', channelAddress: 'post@kommune.test' } as Inquiry;
const addresses: DepartmentAddress[] = [
  { id: 1, departmentId: 3, channel: 'email', address: 'byggesak@kommune.test', isDefault: true },
  { id: 2, departmentId: 3, channel: 'email', address: 'plan@kommune.test', isDefault: false },
];

function sender(transport: MailTransport, thread: { id: string; direction: 'in' | 'out' | 'internal' }[] = []) {
  return new MailSender({
    transport,
    defaultFrom: 'servicetorg@kommune.test',
    inquiries: { byId: async (id: number) => (id === inquiry.id ? inquiry : null) } as unknown as InquiryRepository,
    departments: { addresses: async () => addresses, byId: async () => ({ id: 3, email: null }) as Department } as unknown as DepartmentRepository,
    mail: { mailIdsOf: async () => thread } as unknown as MailRepository,
  });
}

class Capturing implements MailTransport {
  readonly simulated = false;
  sent: MailToSend[] = [];
  constructor(private readonly answer = { accepted: ['x'] as unknown[], rejected: [] as unknown[], response: '250 2.0.0 Ok: queued' }) {}
  async sendMail(m: MailToSend) {
    this.sent.push(m);
    return this.answer;
  }
}

describe('MailSender', () => {
  it('hands nodemailer the department’s address, our Message-ID, the threading headers and the tagged subject', async () => {
    const t = new Capturing();
    const thread = [
      { id: 'first@innbygger.test', direction: 'in' as const },
      { id: 'st.5.aa@kommune.test', direction: 'out' as const },
      { id: 'second@innbygger.test', direction: 'in' as const },
      { id: 'sha256:abc', direction: 'in' as const },
    ];
    const r = await sender(t, thread).send({ messageId: 77, inquiryId: 12, to: 'kari@innbygger.test', from: 'post@kommune.test', body: 'Svar', subject: null });
    expect(t.sent).toHaveLength(1);
    const m = t.sent[0];
    expect(m.from).toBe('byggesak@kommune.test');
    expect(m.to).toBe('kari@innbygger.test');
    expect(m.subject).toBe('Re: Søknad om tilbygg [#12]');
    expect(m.text).toBe('Svar');
    expect(m.messageId).toMatch(/^<st\.77\.[0-9a-f]{12}@kommune\.test>$/);
    expect(m.inReplyTo).toBe('<second@innbygger.test>');
    expect(m.references).toEqual(['<first@innbygger.test>', '<st.5.aa@kommune.test>', '<second@innbygger.test>']);
    expect(m.headers).toEqual({});
    expect(r).toEqual({
      externalId: m.messageId.slice(1, -1),
      status: 'sent',
      from: 'byggesak@kommune.test',
      meta: { smtpResponse: '250 2.0.0 Ok: queued', from: 'byggesak@kommune.test' },
    });
  });

  it('keeps the address the citizen wrote to when it is the department’s, and marks automatic mail', async () => {
    const t = new Capturing();
    await sender(t).send({
      messageId: 1,
      inquiryId: 12,
      to: 'kari@innbygger.test',
      from: 'Plan@Kommune.test',
      body: 'Kvittering',
      subject: 'Mottatt [#12]',
      meta: { autoSubmitted: 'auto-replied', subjectAsIs: true },
    });
    expect(t.sent[0]).toMatchObject({ from: 'plan@kommune.test', subject: 'Mottatt [#12]', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(t.sent[0].inReplyTo).toBeUndefined();
  });

  it('fails with the server’s words when the only recipient is refused', async () => {
    const t = new Capturing({ accepted: [], rejected: ['kari@innbygger.test'], response: '550 5.1.1 User unknown' });
    await expect(sender(t).send({ messageId: 1, inquiryId: 12, to: 'kari@innbygger.test', from: null, body: 'x', subject: null })).rejects.toThrow(
      '550 5.1.1 User unknown',
    );
  });

  it('in simulation records the mail in memory, labels the result simulated, and logs ids only', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const t = new FakeMailTransport(logger);
    const r = await sender(t).send({ messageId: 9, inquiryId: 12, to: 'kari@innbygger.test', from: null, body: 'Hemmelig innhold', subject: null });
    expect(r.meta).toMatchObject({ simulated: true });
    expect(t.outbox[0]).toMatchObject({ to: 'kari@innbygger.test', text: 'Hemmelig innhold' });
    expect(lines.join('')).toContain(r.externalId);
    expect(lines.join('')).not.toMatch(/Hemmelig|kari@/);
  });
});
