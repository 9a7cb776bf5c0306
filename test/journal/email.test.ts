import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';

describe.each(engines())('journaling of e-mail on $name', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(engine);
  });
  afterAll(() => s.close());

  it('journals an e-mail about a case both ways: the citizen’s mail (I) and the agent’s reply (U)', async () => {
    const integration = await s.user('sak@kommune.no', 'integration', []);
    const agent = await s.user('agent@kommune.no', 'agent', ['byggesak']);
    const put = await s.api('PUT', '/api/cases/2026%2F4321', {
      token: integration.token,
      body: { title: 'Tilbygg', status: 'Under behandling', department: 'byggesak', contacts: [{ name: 'Åse Berg', email: 'ase@epost.no' }] },
    });
    expect(put.status).toBe(201);
    const inbound = await s.app.inbound.record({
      channel: 'email',
      externalId: 'mail-1@epost.no',
      from: { email: 'ase@epost.no', name: 'Åse Berg' },
      to: 'byggesak@kommune.no',
      subject: 'Spørsmål om sak 2026/4321',
      body: 'Når kommer svaret?',
      receivedAt: new Date(),
      departmentCode: 'byggesak',
    });
    expect(inbound.inquiry.caseId).not.toBeNull();
    const incoming = await eventually(() => s.app.journal.repository.entryByMessage(inbound.message.id), 'the inbound mail’s journal entry');

    const reply = await s.api('POST', `/api/inquiries/${inbound.inquiry.id}/messages`, { token: agent.token, body: { body: 'Svaret kommer innen fredag.' } });
    expect(reply.status).toBe(201);
    expect(reply.body.status).toBe('sent');
    const outgoing = await eventually(() => s.app.journal.repository.entryByMessage(reply.body.id), 'the reply’s journal entry');
    expect(incoming).toMatchObject({ caseNumber: '2026/4321' });
    expect(outgoing).toMatchObject({ caseNumber: '2026/4321' });
    expect([incoming.direction, outgoing.direction]).toEqual(['I', 'U']);
  });
});
