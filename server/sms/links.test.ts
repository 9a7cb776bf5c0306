import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { isAllowedHost, linkedHosts } from './links';

describe('linkedHosts', () => {
  it.each([
    ['Se https://www.kommune.no/vann for info', ['www.kommune.no']],
    ['Trykk http://user:pw@EVIL.example.com:8080/x?y=1', ['evil.example.com']],
    ['Les mer på www.kommune.no.', ['www.kommune.no']],
    ['Søk på kommune.no/soknad i dag', ['kommune.no']],
    ['Gå til bit.ly, eller min-side.kommune.no!', ['bit.ly', 'min-side.kommune.no']],
    ['Husk f.eks. nøkler, bl.a. til boden. Kl. 10.30 stenges vannet.', []],
    ['Svar til post@kommune.no', []],
    ['https://a.no og https://a.no igjen', ['a.no']],
    ['Ingen lenker her', []],
  ])('%s', (text, hosts) => {
    expect(linkedHosts(text)).toEqual(hosts);
  });
});

describe('isAllowedHost', () => {
  it('allows the host and its subdomains, not look-alikes', () => {
    expect(isAllowedHost('kommune.no', ['kommune.no'])).toBe(true);
    expect(isAllowedHost('www.kommune.no', ['kommune.no'])).toBe(true);
    expect(isAllowedHost('evilkommune.no', ['kommune.no'])).toBe(false);
    expect(isAllowedHost('kommune.no.evil.com', ['kommune.no'])).toBe(false);
  });
});

describe('linkedHosts on hostile text', () => {
  it.each([...HOSTILE_PIECES, 'ææ.', 'http://'])('answers at once on a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => linkedHosts(megabyteOf(piece, ' kommune.no')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toContain('kommune.no');
  });
});
