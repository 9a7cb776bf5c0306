import inboundSms from './fixtures/inbound-sms.json';
import inboundMms from './fixtures/inbound-mms.json';
import inboundNational from './fixtures/inbound-national-from.json';
import inboundMissingSid from './fixtures/inbound-missing-sid.json';
import statusDelivered from './fixtures/status-delivered.json';
import statusSent from './fixtures/status-sent.json';
import statusUndelivered from './fixtures/status-undelivered.json';
import statusFailed from './fixtures/status-failed.json';
import statusUnmapped from './fixtures/status-unmapped.json';
import { parseInboundSms, parseStatusCallback, SMS_CONTINUE_WITHIN_MS, statusFromTwilio } from './parse';
import { keywordOf } from './keywords';
import { mergeTemplate, segmentInfo, unknownMergeFields } from './compose-text';
import { redirectTwilioUri } from '../twilio/client';
import { mayMove, replaceableBy } from '../../server/register/message-status.service';

const at = new Date('2026-05-10T10:00:00.000Z');

describe('parseInboundSms', () => {
  it('turns an inbound SMS webhook into an inbound contact that continues threads for 14 days', () => {
    expect(parseInboundSms(inboundSms, at)).toEqual({
      channel: 'sms',
      externalId: 'SM5f1b6c0a8d3e4f2a9b7c6d5e4f3a2b10',
      from: { phone: '+4791234567' },
      to: '+4759440001',
      kind: 'message',
      body: 'Hei, jeg lurer på status i sak 2026/1234. Mvh Kari',
      keyword: null,
      receivedAt: at,
      continueWithinMs: SMS_CONTINUE_WITHIN_MS,
      meta: {
        accountSid: 'AC0123456789abcdef0123456789abcdef',
        media: [],
        numSegments: 1,
        fromCountry: 'NO',
        messagingServiceSid: 'MG2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e11',
      },
    });
    expect(SMS_CONTINUE_WITHIN_MS).toBe(14 * 24 * 3600 * 1000);
  });

  it('keeps every media URL of an MMS with its content type', () => {
    const p = parseInboundSms(inboundMms, at)!;
    expect(p.externalId).toBe('MM8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d');
    expect(p.meta.media).toEqual([
      { url: inboundMms.MediaUrl0, contentType: 'image/jpeg' },
      { url: inboundMms.MediaUrl1, contentType: 'image/png' },
    ]);
  });

  it('passes a national-notation sender on as written (the register normalises it to E.164)', () => {
    expect(parseInboundSms(inboundNational, at)!.from.phone).toBe('0047 912 34 567');
  });

  it('refuses forms that are not an inbound message', () => {
    expect(parseInboundSms(inboundMissingSid, at)).toBeNull();
    expect(parseInboundSms({ ...inboundSms, MessageSid: 'SM123' }, at)).toBeNull();
    expect(parseInboundSms({ ...inboundSms, From: '' }, at)).toBeNull();
    expect(parseInboundSms({ ...inboundMms, MediaUrl1: 'javascript:alert(1)' }, at)).toBeNull();
    expect(parseInboundSms({ ...inboundSms, NumMedia: '2' }, at)).toBeNull();
    expect(parseInboundSms(null, at)).toBeNull();
    expect(parseInboundSms('Body=hi', at)).toBeNull();
  });
});

describe('parseStatusCallback', () => {
  it('reads a delivery report with the operator time it carries and our receive time', () => {
    expect(parseStatusCallback(statusDelivered, at)).toEqual({
      externalId: 'SMd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6',
      status: 'delivered',
      providerStatus: 'delivered',
      at,
      error: null,
      detail: { operatorDoneAt: '2605101234' },
    });
    expect(parseStatusCallback(statusSent, at)).toMatchObject({ status: 'sent', providerStatus: 'sent', error: null });
  });

  it('keeps Twilio’s error code, with Twilio’s text when the callback carries only the code', () => {
    expect(parseStatusCallback(statusUndelivered, at)).toMatchObject({
      status: 'undelivered',
      error: { code: '30003', message: 'Unreachable destination handset' },
      detail: { errorCode: '30003', errorMessage: 'Unreachable destination handset' },
    });
    expect(parseStatusCallback(statusFailed, at)).toMatchObject({ status: 'failed', error: { code: '30006', message: 'Landline or unreachable carrier' } });
  });

  it('records a status it does not know as such instead of failing', () => {
    expect(parseStatusCallback(statusUnmapped, at)).toMatchObject({ status: null, providerStatus: 'partially_delivered' });
  });

  it('refuses forms that are not a status callback', () => {
    expect(parseStatusCallback({ ...statusSent, MessageStatus: undefined }, at)).toBeNull();
    expect(parseStatusCallback({ ...statusSent, MessageSid: 'nope' }, at)).toBeNull();
    expect(parseStatusCallback({ ...statusSent, MessageStatus: '<script>' }, at)).toBeNull();
  });
});

describe('statusFromTwilio', () => {
  it.each([
    ['accepted', 'queued'],
    ['scheduled', 'scheduled'],
    ['queued', 'queued'],
    ['sending', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
    ['read', 'delivered'],
    ['canceled', 'stopped'],
    ['receiving', 'queued'],
    ['received', 'delivered'],
    ['DELIVERED', 'delivered'],
    ['something_new', null],
  ])('%s → %s', (twilioStatus, ours) => expect(statusFromTwilio(twilioStatus)).toBe(ours));
});

describe('status model', () => {
  it('only moves forward, and a final status stays', () => {
    expect(mayMove('queued', 'sent')).toBe(true);
    expect(mayMove('sent', 'queued')).toBe(false);
    expect(mayMove('delivered', 'sent')).toBe(false);
    expect(mayMove('delivered', 'failed')).toBe(false);
    expect(mayMove('unknown', 'delivered')).toBe(true);
    expect(mayMove('delivered', 'unknown')).toBe(false);
    expect(mayMove('scheduled', 'awaiting_approval')).toBe(true);
    expect(mayMove('scheduled', 'stopped')).toBe(true);
    expect(mayMove(null, 'queued')).toBe(true);
    expect(replaceableBy('sent').sort()).toEqual(['awaiting_approval', 'paused', 'queued', 'scheduled']);
    expect(replaceableBy('delivered')).not.toContain('failed');
  });
});

describe('keywordOf', () => {
  it.each([
    ['STOP', 'stop'],
    ['stopp', 'stop'],
    ['  Avslutt. ', 'stop'],
    ['UNSUBSCRIBE', 'stop'],
    ['start', 'start'],
    ['Unstop!', 'start'],
    ['HELP', 'help'],
    ['hjelp?', 'help'],
    ['stopp lekkasjen i Storgata', null],
    ['Hei', null],
    ['', null],
  ])('%j → %s', (body, keyword) => expect(keywordOf(body)).toBe(keyword));
});

describe('compose-text', () => {
  it('counts GSM-7 and UCS-2 segments', () => {
    expect(segmentInfo('Hei Åse, søknaden er mottatt')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(segmentInfo('x'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(segmentInfo('Hei 😀')).toMatchObject({ encoding: 'UCS-2', segments: 1, nonGsmCharacters: ['😀'] });
    expect(segmentInfo('ł'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('merges names once, without markup or further tags, and tidies an empty name', () => {
    expect(mergeTemplate('Hei {{name}}, velkommen', { name: 'Kari Nordmann' })).toBe('Hei Kari Nordmann, velkommen');
    expect(mergeTemplate('Hei {{ first_name }}!', { name: 'Kari Nordmann' })).toBe('Hei Kari!');
    expect(mergeTemplate('Hei {{name}}, velkommen', { name: null })).toBe('Hei, velkommen');
    expect(mergeTemplate('Hei {{name}}', { name: '<script>x</script>{{name}}' })).toBe('Hei scriptx/scriptname');
    expect(unknownMergeFields('Hei {{name}} {{address}} {{ password }}')).toEqual(['address', 'password']);
  });
});

describe('redirectTwilioUri', () => {
  it('swaps Twilio’s origin for the configured one and leaves others alone', () => {
    expect(redirectTwilioUri('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1', 'http://127.0.0.1:9999')).toBe(
      'http://127.0.0.1:9999/2010-04-01/Accounts/AC1/Messages.json?x=1',
    );
    expect(redirectTwilioUri('https://example.com/a', 'http://127.0.0.1:9999')).toBe('https://example.com/a');
  });
});
