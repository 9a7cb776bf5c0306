import fs from 'node:fs';
import path from 'node:path';
import { buildFlow } from './flow';
import { FlowError, parseFlow } from './schema';

const fixture = (kind: 'good' | 'bad', name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', kind, `${name}.json`), 'utf8'));

/** Each error message must name the path and the reason; a fixture failing for another reason fails its test. */
function failure(name: string): FlowError {
  try {
    parseFlow(fixture('bad', name));
  } catch (e) {
    if (e instanceof FlowError) return e;
    throw e;
  }
  throw new Error(`bad fixture ${name} was accepted`);
}

describe('voice flow fixtures', () => {
  it.each(fs.readdirSync(path.join(__dirname, 'fixtures', 'good')).map((f) => f.replace(/\.json$/, '')))('accepts good/%s', (name) => {
    expect(() => parseFlow(fixture('good', name))).not.toThrow();
  });

  const reasons: [string, string, string][] = [
    ['department-on-digit-9', 'options.0.digit', '9 is case status'],
    ['department-on-digit-0', 'options.0.digit', '0 the switchboard'],
    ['duplicate-digit', 'options.1.digit', 'digit 2 is taken by helse'],
    ['default-language-not-offered', 'defaultLanguage', 'not among the languages'],
    ['language-without-prompts', 'prompts.pl-PL', 'no prompts for pl-PL'],
    ['unknown-placeholder', 'prompts.en-GB.queued', 'unknown placeholder {department}'],
    // The next four are zod's own messages: the fragment names the check that refused the fixture.
    ['missing-prompt', 'prompts.da-DK.goodbye', 'expected string, received undefined'],
    ['unsupported-language', 'languages.1', 'Invalid option: expected one of "nb-NO"|"en-GB"|"pl-PL"|"da-DK"'],
    ['zero-tries', 'maxTries', 'expected number to be >=1'],
    ['blank-prompt', 'prompts.nb-NO.greeting', 'expected string to have >=1 characters'],
    ['language-twice', 'languages', 'listed twice'],
  ];

  it('has a test reason for every bad fixture', () => {
    const files = fs.readdirSync(path.join(__dirname, 'fixtures', 'bad')).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual(reasons.map((r) => r[0]).sort());
  });

  it.each(reasons)('refuses bad/%s at %s', (name, at, message) => {
    // An empty fragment is contained in every message and would let any failure pass.
    expect(message.trim()).not.toBe('');
    const e = failure(name);
    // Only the named problem: the fixture differs from a good flow in one place.
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0].path.join('.')).toBe(at);
    expect(e.issues[0].message).toContain(message);
  });
});

describe('buildFlow', () => {
  it('puts departments with a menu digit into the menu in digit order, and leaves the switchboard out', () => {
    const flow = buildFlow([
      { code: 'skatt', name: 'Skatt', menuDigit: 5 },
      { code: 'switchboard', name: 'Sentralbord', menuDigit: null },
      { code: 'helse', name: 'Helse', menuDigit: 2 },
      { code: 'arkiv', name: 'Arkiv', menuDigit: null },
    ]);
    expect(flow.options.map((o) => [o.digit, o.department])).toEqual([
      ['2', 'helse'],
      ['5', 'skatt'],
    ]);
  });

  it('refuses two departments on one digit', () => {
    expect(() =>
      buildFlow([
        { code: 'a', name: 'A', menuDigit: 3 },
        { code: 'b', name: 'B', menuDigit: 3 },
      ]),
    ).toThrow('digit 3 is taken by a');
  });
});
