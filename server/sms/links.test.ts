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
    // The host is what a browser opens, not the text after an "@".
    ['Trykk https://evil.com\\@kommune.no/x', ['evil.com']],
    ['Trykk https://evil.com#@kommune.no', ['evil.com']],
    ['Trykk https://evil.com?@kommune.no', ['evil.com']],
    ['Trykk https://kommune.no%2eevil.com/', ['kommune.no.evil.com']],
    ['Trykk https://KOMMUNE.NO./x eller (https://www.kommune.no).', ['kommune.no', 'www.kommune.no']],
    ['Uten skjema: evil.com\\@kommune.no', ['evil.com']],
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

  it.each([
    ['https://evil.com\\@kommune.no', false],
    ['https://evil.com#@kommune.no', false],
    ['https://kommune.no.evil.com/x', false],
    ['https://user@kommune.no.evil.com', false],
    ['https://KOMMUNE.NO/x', true],
    ['https://Www.Kommune.No./x', true],
    ['https://kommune.no:8443/x', true],
    ['https://kommune.no@evil.com', false],
  ])('a text linking %s is allowed: %s', (url, allowed) => {
    const hosts = linkedHosts(`Se ${url} i dag`);
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.every((h) => isAllowedHost(h, ['kommune.no']))).toBe(allowed);
  });

  it('compares the allow-list entry without case or trailing dot', () => {
    expect(isAllowedHost('www.kommune.no', ['Kommune.NO.'])).toBe(true);
    expect(isAllowedHost('kommune.no', [''])).toBe(false);
  });
});

describe('linkedHosts on hostile text', () => {
  it.each([...HOSTILE_PIECES, 'ææ.', 'http://'])('answers at once on a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => linkedHosts(megabyteOf(piece, ' kommune.no')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toContain('kommune.no');
  });
});

describe('URL hosts on hostile text', () => {
  it.each(['!', '.', ')', '!x'])('answers at once on a URL of a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => linkedHosts('https://kommune.no/' + megabyteOf(piece, 'x')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toEqual(['kommune.no']);
  });

  it('normalises a host of a megabyte of dots at once', () => {
    const { result, ms } = timed(() => isAllowedHost('a' + megabyteOf('.', 'b'), ['kommune.no']));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toBe(false);
  });
});
