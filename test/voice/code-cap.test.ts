import { saySpeech } from '../../ivr/speech/speech';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { caller, voiceEnv } from './support';
import { startVoiceRestStandin, type VoiceRestStandin } from './twilio-standin';

/*
 * Issue 12, SMS pumping: one-time codes are automatic SMS anyone with a phone can make us send,
 * so they have a daily cap of their own, over every caller together. Past it no code goes out,
 * and the caller hears what any caller hears, so the cap tells nothing about the case either.
 */
describe.each(engines())('the daily cap on one-time code SMS on $name', (engine) => {
  let s: TestServer;
  let standin: VoiceRestStandin;
  const owners = ['+4798760001', '+4798760002', '+4798760003'];

  beforeAll(async () => {
    standin = await startVoiceRestStandin(`AC${'a1'.repeat(16)}`, 'test-auth-token-for-signatures');
    s = await startServer(engine, {
      env: voiceEnv(standin),
      voice: { speech: saySpeech },
      sms: { limits: { dailyAutomatic: { receipt: 100, code: 2 } } },
    });
    await s.department('byggesak', 1);
    const integ = await s.user('int@k.no', 'integration', []);
    for (const [i, phone] of owners.entries()) {
      const body = { title: 'Tilbygg', status: 'Under behandling', statusSpoken: 'Under behandling.', department: 'byggesak', contacts: [{ phone }] };
      expect((await s.api('PUT', `/api/cases/2026-70${i}`, { token: integ.token, body })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('sends codes up to the cap, then none, while every caller hears the same', async () => {
    const heard: string[] = [];
    for (const [i, owner] of owners.entries()) {
      const call = caller(s.url, owner);
      await call.ring();
      await call.press('9');
      heard.push((await call.press(`2026*70${i}#`)).heard[0]);
      await s.app.voice!.caseStatus.idle();
    }
    expect(standin.sms.map((m) => m.to)).toEqual(owners.slice(0, 2));
    expect(new Set(heard).size).toBe(1);
    expect(heard[0]).toContain('engangskode');
  });
});
