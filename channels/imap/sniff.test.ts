import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { sniffHeaders } from './sniff';

const mail = (head: string) => Buffer.from(`${head}\r\nSubject: x\r\n\r\nbody`, 'latin1');

describe('sniffHeaders', () => {
  it.each([
    ['From: Kari <Kari@Example.no>', 'kari@example.no'],
    ['From: kari@example.no (Kari)', 'kari@example.no'],
    ['From: "Nordmann, Kari"\r\n <kari@example.no>', 'kari@example.no'],
    ['From: a@@b', 'a@@b'],
    ['From: @x ab@ kari@example.no', 'kari@example.no'],
    ['From: ingen adresse', ''],
  ])('%j is sent by %j', (head, sender) => {
    expect(sniffHeaders(mail(head)).sender).toBe(sender);
  });

  it('sees an answer', () => {
    expect(sniffHeaders(mail('From: a@b\r\nIn-Reply-To: <x@y>')).answers).toBe(true);
    expect(sniffHeaders(mail('From: a@b\r\nX-References: <x@y>')).answers).toBe(false);
  });

  it.each(HOSTILE_PIECES)('answers at once on a From header of a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => sniffHeaders(mail('From: ' + megabyteOf(piece))));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    // A run of "@" is an address to the old pattern too; what matters is that it is bounded.
    if (piece === '@') expect(result.sender.length).toBeLessThanOrEqual(2000);
    else expect(result.sender).toBe('');
  });

  it('finds the address after a long From without one', () => {
    const { result, ms } = timed(() => sniffHeaders(mail('From: ' + 'x'.repeat(1500) + ' <kari@example.no>')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.sender).toBe('kari@example.no');
  });
});
