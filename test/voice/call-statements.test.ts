import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { eventually } from '../support/eventually';
import { countStatements } from '../support/statements';
import { saySpeech } from '../../ivr/speech/speech';
import { startVoiceRestStandin, type VoiceRestStandin } from './twilio-standin';
import { ACCOUNT_SID, AUTH_TOKEN, accept, agentSocket, caller, next, roundTrip, voiceEnv, type AgentSocket } from './support';

/*
 * What one routed call costs the database, step by step (issue 13: the server's CPU per call is
 * mostly its round trips to MariaDB). On MariaDB a batch or a transaction's last writes travel as
 * one compound statement, so these are round trips; SQLite runs the same statements one by one.
 * A statement that creeps back onto the hot path fails here.
 */
const BOUNDS = {
  mariadb: { ring: 1, choice: 2, hold: 0, accept: 2, busy: 0, available: 1, end: 2, recheck: 1 },
  sqlite: { ring: 3, choice: 8, hold: 0, accept: 11, busy: 0, available: 1, end: 6, recheck: 1 },
};

describe.each(engines())('statements of a routed call on $name', (engine) => {
  let s: TestServer;
  let standin: VoiceRestStandin;
  let agent: { id: number; token: string };
  let sock: AgentSocket;
  const citizen = '+4791234500';

  beforeAll(async () => {
    standin = await startVoiceRestStandin(ACCOUNT_SID, AUTH_TOKEN);
    // recheckMs 0: every socket event checks the agent's token again, so its cost is counted too.
    s = await startServer(engine, { env: voiceEnv(standin), voice: { speech: saySpeech }, agents: { recheckMs: 0, eventsPerWindow: 1000 } });
    await s.department('helse', 2);
    agent = await s.user('a@k.no', 'agent', ['helse']);
    const integ = await s.user('int@k.no', 'integration', []);
    const put = await s.api('PUT', '/api/cases/2026-40', {
      token: integ.token,
      body: { title: 'Hjemmehjelp', status: 'Under behandling', department: 'helse', contacts: [{ name: 'Ola Nordmann', phone: citizen }] },
    });
    expect(put.status).toBe(201);
    sock = await agentSocket(s.url, agent.token);
  });
  afterAll(async () => {
    sock?.close();
    await s.close();
    await standin.close();
  });

  it('walks menu, choice, waitUrl, accept with its pop, busy, available and the end in a bounded number of statements', async () => {
    const bounds = BOUNDS[engine.name];
    // A warm-up call fills the caches (departments, menu) and opens pooled sessions, as in service.
    for (let round = 0; round < 2; round++) {
      const call = caller(s.url, citizen);
      const { statements, stop } = countStatements(s.app.db.dataSource);
      // A new pooled session's setup and the job queue's polling are not the call's.
      const counted = () => statements.filter((q) => !/^SET SESSION/i.test(q.trim()) && !/\bjobs\b/.test(q)).length;
      const seen: Record<string, number> = {};
      const step = async (name: keyof typeof bounds, fn: () => Promise<unknown>) => {
        statements.length = 0;
        await fn();
        seen[name] = counted();
      };
      try {
        await step('ring', () => call.ring());
        const incoming = next(sock, 'call:incoming');
        await step('choice', async () => (await call.press('2'), await incoming));
        await step('hold', () => call.hold());
        const pop = next(sock, 'screen-pop');
        await step('accept', async () => {
          expect(await accept(sock, call.callSid)).toEqual({ ok: true });
          const popped = await pop;
          expect(popped.contact?.name).toBe('Ola Nordmann');
          expect(popped.cases.map((k) => k.caseNumber)).toEqual(['2026-40']);
          // What runs beside the pop (the REST move) is the accept's too.
          await eventually(() => standin.moves.find((m) => m.callSid === call.callSid), 'the REST move');
        });
        await step('busy', () => roundTrip(sock, 'busy'));
        await step('available', () => roundTrip(sock, 'available'));
        await step('end', async () => expect((await call.end('completed', 60)).status).toBe(200));
      } finally {
        stop();
      }
      if (round === 1) {
        // The token re-check (every event here): one statement, counted in busy and available.
        const { recheck, ...steps } = bounds;
        expect(seen).toEqual({ ...steps, busy: steps.busy + recheck, available: steps.available + recheck, accept: steps.accept + recheck });
      }
    }
  });
});
