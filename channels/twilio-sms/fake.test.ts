import pino from 'pino';
import twilio from 'twilio';
import { FakeTwilioSms, SIMULATED_ACCOUNT_SID } from './fake';

describe('FakeTwilioSms', () => {
  it('keeps only the latest accepted messages', async () => {
    const fake = new FakeTwilioSms({ authToken: 't', logger: pino({ level: 'silent' }), keepSent: 3 });
    const client = twilio(SIMULATED_ACCOUNT_SID, 't', { httpClient: fake });
    try {
      for (let i = 0; i < 10; i++) await client.messages.create({ from: '+4790000000', to: `+479000000${i}`, body: `Melding ${i}` });
      expect(fake.sent.map((m) => m.to)).toEqual(['+4790000007', '+4790000008', '+4790000009']);
    } finally {
      fake.stop();
    }
  });
});
