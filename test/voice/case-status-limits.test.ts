import { saySpeech } from '../../ivr/speech/speech';
import { engines } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';
import { startVoiceRestStandin, type VoiceRestStandin } from './twilio-standin';
import { ACCOUNT_SID, AUTH_TOKEN, caller, voiceEnv } from './support';

/*
 * The case-status line's hourly code limits are counted on the store every process shares (Redis
 * with REDIS_URL, the database without), each request by one atomic step before anything else:
 * two servers answering the same line allow each limit once, and a burst of parallel calls gets
 * no more codes than the limit.
 */

const PER_NUMBER = 3;
const LINE = 10;

const SENT = 'engangskode';
const LIMITED = 'Vi kan ikke sende flere koder';

describe.each(engines())('case-status limits on $name', (engine) => {
  for (const store of ['database', 'redis'] as const) {
    describe(`two servers on one ${store}`, () => {
      let a: TestServer;
      let b: TestServer;
      let standin: VoiceRestStandin;
      const prefix = uniquePrefix();
      beforeAll(async () => {
        standin = await startVoiceRestStandin(ACCOUNT_SID, AUTH_TOKEN);
        const env = { ...voiceEnv(standin), ...(store === 'redis' ? { REDIS_URL: TEST_REDIS_URL } : {}) };
        const voice = { speech: saySpeech, caseStatusLimits: { perNumberPerHour: PER_NUMBER, globalPerHour: LINE, perCasePerHour: 100 } };
        a = await startServer(engine, { env, jobs: { prefix }, voice, keepDatabase: true });
        b = await startServer(engine, { env, jobs: { prefix }, voice, database: a.database });
        expect(a.app.rateLimits.store).toBe(store);
      });
      afterAll(async () => {
        await a.close();
        await b.close();
        await standin.close();
        await dropPrefix(prefix);
      });

      /** One call, on one of the servers, up to where it asks for the case number. */
      const atCaseNumber = async (s: TestServer, from: string) => {
        const call = caller(s.url, from);
        await call.ring();
        await call.press('9');
        return call;
      };
      const keyCase = async (s: TestServer, from: string, keys: string) => (await (await atCaseNumber(s, from)).press(keys)).heard[0];
      /** Calls brought up to the case number first, so that all their code requests arrive at once; what each caller heard. */
      const burst = async (calls: { s: TestServer; from: string; keys: string }[]) => {
        const ready = await Promise.all(calls.map((c) => atCaseNumber(c.s, c.from)));
        return (await Promise.all(ready.map((call, i) => call.press(calls[i].keys)))).map((t) => t.heard[0]);
      };
      const tally = (heard: string[]) => {
        const sent = heard.filter((h) => h.includes(SENT)).length;
        expect(sent + heard.filter((h) => h.includes(LIMITED)).length).toBe(heard.length);
        return sent;
      };
      const settled = () => Promise.all([a.app.voice!.caseStatus.idle(), b.app.voice!.caseStatus.idle()]);

      it('gives one calling number its codes once over both servers, however many calls arrive at once', async () => {
        const heard = await burst(Array.from({ length: 10 }, (_, i) => ({ s: i % 2 ? a : b, from: '+4790102030', keys: `1990*${i + 1}#` })));
        // Each server counting alone would send PER_NUMBER each.
        expect(tally(heard)).toBe(PER_NUMBER);
        await settled();
        expect(await a.count('phone_verifications')).toBe(PER_NUMBER);
      });

      it('holds the whole line to its limit over both servers; refused calls do not use it up', async () => {
        const used = await a.count('phone_verifications');
        const heard = await burst(
          Array.from({ length: 20 }, (_, i) => ({ s: i % 2 ? a : b, from: `+479050${String(i).padStart(4, '0')}`, keys: `1991*${i + 1}#` })),
        );
        expect(tally(heard)).toBe(LINE - used);
        await settled();
        expect(await a.count('phone_verifications')).toBe(LINE);
        expect(await keyCase(a, '+4790509999', '1992*1#')).toContain(LIMITED);
      });
    });
  }
});
