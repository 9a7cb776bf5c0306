import fs from 'node:fs';
import path from 'node:path';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { SubscriberEntity, SubscriberStreetEntity } from '../../server/alerts/entities';

/*
 * The address register on each engine: TERYT SIMC and ULIC files in the published format (UTF-8,
 * Windows-1250, with a BOM), re-imports that keep ids, a resident's street kept when a newer file
 * drops it, a generic CSV with a column mapping, search as you type, and bad input refused whole.
 */

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name));
type Item = { id: string; name: string; area?: string | null };

describe.each(engines())('address register on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let agent: string;
  let officer: string;

  beforeAll(async () => {
    s = await startServer(engine);
    admin = (await s.user('admin@gmina.pl', 'admin', ['helse'])).token;
    agent = (await s.user('agent@gmina.pl', 'agent', ['helse'])).token;
    officer = (await s.user('officer@gmina.pl', 'officer', ['helse'])).token;
  }, 60_000);
  afterAll(() => s?.close());

  async function upload(query: string, body: Buffer | string, opts: { token?: string; type?: string } = {}) {
    const res = await fetch(`${s.url}/api/address-register/import?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token ?? admin}`, 'content-type': opts.type ?? 'text/csv' },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const localities = async (q: string): Promise<Item[]> => (await s.api('GET', `/public/alerts/localities?q=${encodeURIComponent(q)}`)).body.items;
  const streets = async (locality: string, q = ''): Promise<Item[]> =>
    (await s.api('GET', `/public/alerts/streets?locality=${locality}&q=${encodeURIComponent(q)}`)).body.items;
  const names = (items: Item[]) => items.map((i) => i.name);
  /** Every register row, to show that a refused import changed nothing. */
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all(
        ['address_localities', 'address_streets', 'address_points', 'address_locality_words'].map((t) =>
          s.app.db.dataSource.query(`SELECT * FROM ${t} ORDER BY id`),
        ),
      ),
    );

  test('ULIC before any SIMC is refused: its localities must be imported first', async () => {
    const r = await upload('format=teryt-ulic', fixture('ulic-cp1250.csv'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/teryt-simc/);
    expect(await s.count('address_streets')).toBe(0);
  });

  test('SIMC (UTF-8) gives the localities, found without case or diacritics, same names told apart by area', async () => {
    const r = await upload('format=teryt-simc', fixture('simc.csv'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ localities: 8, streets: 0, addresses: 0 });
    expect(r.body.report).toMatchObject({ encoding: 'utf-8', rows: 8, localities: { added: 8, updated: 0, unchanged: 0, removed: 0 } });

    expect(names(await localities('skorzewo'))).toEqual(['Skórzewo']);
    expect(names(await localities('SKÓRZ'))).toEqual(['Skórzewo']);
    expect(names(await localities('lodz'))).toEqual(['Łódź']);
    expect(names(await localities('wies'))).toEqual(['Nowa Wieś']);
    expect(names(await localities('nowa w'))).toEqual(['Nowa Wieś']);
    const dabrowki = await localities('dabrowka');
    expect(names(dabrowki)).toEqual(['Dąbrówka', 'Dąbrówka']);
    expect(new Set(dabrowki.map((d) => d.area)).size).toBe(2);
    expect(typeof dabrowki[0].id).toBe('string');
    expect(await localities('')).toEqual([]);
    expect(await localities('zzz')).toEqual([]);
  });

  test('ULIC in Windows-1250 gives the streets as shown ("ul. Jana Pawła II"), and names the rows of unknown localities', async () => {
    const r = await upload('format=teryt-ulic', fixture('ulic-cp1250.csv'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ localities: 8, streets: 8, addresses: 0 });
    expect(r.body.report.encoding).toBe('windows-1250');
    expect(r.body.report.skippedCount).toBe(1);
    expect(r.body.report.skipped[0].reason).toMatch(/9999999/);

    const [skorzewo] = await localities('skorzewo');
    expect(names(await streets(skorzewo.id, 'dzialkowa'))).toEqual(['ul. Działkowa']);
    expect(names(await streets(skorzewo.id, 'pawla'))).toEqual(['ul. Jana Pawła II']);
    expect(names(await streets(skorzewo.id, 'jana pawla ii'))).toEqual(['ul. Jana Pawła II']);
    // Names that start with it first, then names with a later word that does.
    expect(names(await streets(skorzewo.id, 'P'))).toEqual(['ul. Poznańska', 'ul. Jana Pawła II']);
    expect(names(await streets(skorzewo.id))).toEqual(['ul. Działkowa', 'ul. Jana Pawła II', 'ul. Poznańska', 'os. Skórzewskie']);
    const [dopiewo] = await localities('dopiewo');
    expect(names(await streets(dopiewo.id, 'mick'))).toEqual(['al. Adama Mickiewicza']);
    expect(names(await streets(dopiewo.id, 'lakowa'))).toEqual(['ul. Łąkowa']);
    expect(names(await streets(dopiewo.id, 'rynek'))).toEqual(['Rynek']);
    // Streets are searched within their own locality only.
    expect(await streets(dopiewo.id, 'dzialkowa')).toEqual([]);
  });

  test('re-importing the same localities (UTF-8 with BOM) changes nothing and keeps every id', async () => {
    const before = await snapshot();
    const r = await upload('format=teryt-simc', fixture('simc-bom.csv'));
    expect(r.status).toBe(200);
    expect(r.body.report.localities).toEqual({ added: 0, updated: 0, unchanged: 8, removed: 0 });
    expect(await snapshot()).toBe(before);
  });

  test('a newer ULIC updates names and keeps ids; a street residents chose stays and is reported, one nobody chose goes', async () => {
    const [skorzewo] = await localities('skorzewo');
    const [dzialkowa] = await streets(skorzewo.id, 'dzialkowa');
    const [estate] = await streets(skorzewo.id, 'skorzewskie');
    await s.app.db.transaction(async (m) => {
      const sub = await m.getRepository(SubscriberEntity).save({
        phone: '+48600100200',
        localityId: Number(skorzewo.id),
        wholeLocality: false,
        language: 'pl',
        state: 'active',
        createdAt: new Date(),
        updatedAt: new Date(),
        leftAt: null,
      });
      await m.getRepository(SubscriberStreetEntity).save({ subscriberId: sub.id, streetId: Number(dzialkowa.id) });
    });

    const r = await upload('format=teryt-ulic', fixture('ulic-newer.csv'));
    expect(r.status).toBe(200);
    expect(r.body.report.streets).toEqual({ added: 1, updated: 1, unchanged: 4, removed: 1 });
    expect(r.body.report.kept).toEqual([{ kind: 'street', id: dzialkowa.id, name: 'ul. Działkowa', residents: 1 }]);
    // Działkowa (chosen) and Poznańska (not chosen) are gone from the file: one stays, one is removed.
    expect(names(await streets(skorzewo.id))).toEqual(['ul. Działkowa', 'ul. Jana Pawła II', 'os. Skórzewskie Nowe']);
    expect((await streets(skorzewo.id, 'nowe'))[0].id).toBe(estate.id);
    expect(r.body.streets).toBe(8);
  });

  test('a newer SIMC renames in place, adds, and removes a locality nobody chose, within the municipalities it lists', async () => {
    const [paledzie] = await localities('paledzie');
    const [lodz] = await localities('lodz');
    const r = await upload('format=teryt-simc', fixture('simc-newer.csv'));
    expect(r.status).toBe(200);
    expect(r.body.report.localities).toEqual({ added: 1, updated: 1, unchanged: 4, removed: 1 });
    expect(await localities('paledzie')).toEqual([{ id: paledzie.id, name: 'Palędzie Dolne', area: '3021022' }]);
    expect(names(await localities('dolne'))).toEqual(['Palędzie Dolne']);
    expect(await localities('konarzewo')).toEqual([]);
    // Łódź and the other Dąbrówka lie in municipalities this file does not list: untouched.
    expect(await localities('lodz')).toEqual([lodz]);
    expect(names(await localities('dabrowka'))).toHaveLength(2);
  });

  test('a locality a resident chose as a whole stays when a newer SIMC drops it, and is named in the answer', async () => {
    const [dabrowka] = (await localities('dabrowka')).filter((d) => d.area === '3021022');
    await s.app.db.transaction((m) =>
      m.getRepository(SubscriberEntity).save({
        phone: '+48600100300',
        localityId: Number(dabrowka.id),
        wholeLocality: true,
        language: 'pl',
        state: 'active',
        createdAt: new Date(),
        updatedAt: new Date(),
        leftAt: null,
      }),
    );
    const without = fixture('simc-newer.csv')
      .toString()
      .replace(/^.*;Dąbrówka;.*\n/m, '');
    const r = await upload('format=teryt-simc', without);
    expect(r.status).toBe(200);
    expect(r.body.report.kept).toEqual([{ kind: 'locality', id: dabrowka.id, name: 'Dąbrówka', residents: 1 }]);
    expect(r.body.report.localities.removed).toBe(0);
    expect((await localities('dabrowka')).map((d) => d.id)).toContain(dabrowka.id);
  });

  test('a generic CSV (comma-separated) with a column mapping: localities, streets and addresses; a re-import keeps them', async () => {
    const q = 'format=csv&locality=poststed&street=adressenavn&number=nummer&postcode=postnummer&area=kommunenavn';
    const before = await s.app.alerts.addressRegister.localities('orsta', 5);
    expect(before).toEqual([]);
    const r = await upload(q, fixture('norway.csv'));
    expect(r.status).toBe(200);
    expect(r.body.report).toMatchObject({ localities: { added: 3 }, streets: { added: 4 }, addresses: { added: 6 } });
    const [orsta] = await localities('orsta');
    expect(orsta).toMatchObject({ name: 'Ørsta', area: 'Ørsta' });
    expect(names(await streets(orsta.id))).toEqual(['Kyrkjegata', 'Storgata']);
    expect(names(await localities('SANDV'))).toEqual(['Sandvika']);

    const again = await upload(q, fixture('norway.csv'));
    expect(again.body.report).toMatchObject({ localities: { unchanged: 3 }, streets: { unchanged: 4 }, addresses: { unchanged: 6, added: 0, removed: 0 } });
    // A newer file without one address and with a changed postcode.
    const newer = fixture('norway.csv')
      .toString()
      .replace('Ørsta,Storgata,2,,6150,Ørsta\n', '')
      .replace('Stryn,Tonningsgata,3,,6783', 'Stryn,Tonningsgata,3,,6782');
    const third = await upload(q, newer);
    expect(third.body.report.addresses).toEqual({ added: 0, updated: 1, unchanged: 4, removed: 1 });
    expect((await localities('orsta'))[0].id).toBe(orsta.id);
  });

  test.each([
    ['an unknown format', 'format=teryt-terc', fixture('simc.csv'), 'text/csv', /format/],
    ['no format', '', fixture('simc.csv'), 'text/csv', /format/],
    ['a ULIC file sent as SIMC', 'format=teryt-simc', fixture('ulic-newer.csv'), 'text/csv', /lacks/],
    ['binary', 'format=teryt-simc', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3]), 'text/csv', /not CSV/],
    [
      'a row with too many fields',
      'format=teryt-simc',
      Buffer.from(fixture('simc.csv').toString() + '1;2;3;4;5;6;7;8;9;10;11;12\n'),
      'text/csv',
      /number of fields/,
    ],
    ['a header only', 'format=teryt-simc', Buffer.from('WOJ;POW;GMI;RODZ_GMI;RM;MZ;NAZWA;SYM;SYMPOD;STAN_NA\n'), 'text/csv', /no rows/],
    ['an empty body', 'format=teryt-simc', Buffer.from(''), 'text/csv', /empty/],
    [
      'only unusable rows',
      'format=teryt-simc',
      Buffer.from('WOJ;POW;GMI;RODZ_GMI;RM;MZ;NAZWA;SYM;SYMPOD;STAN_NA\n30;21;02;2;01;1;X;12;12;2025\n'),
      'text/csv',
      /No row/,
    ],
    ['JSON', 'format=teryt-simc', Buffer.from('{"a":1}'), 'application/json', /text\/csv/],
    ['a CSV without the locality column named', 'format=csv', fixture('norway.csv'), 'text/csv', /locality/],
    ['a CSV naming a column it lacks', 'format=csv&locality=by', fixture('norway.csv'), 'text/csv', /no column "by"/],
    ['column names for a TERYT file', 'format=teryt-simc&locality=NAZWA', fixture('simc.csv'), 'text/csv', /format=csv/],
  ])('%s is refused with a 400 naming the problem, and nothing changes', async (_what, query, body, type, message) => {
    const before = await snapshot();
    const r = await upload(query, body, { type });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(message);
    expect(await snapshot()).toBe(before);
  });

  test('only an administrator imports; an agent or an officer is refused and nothing changes', async () => {
    const before = await snapshot();
    for (const token of [agent, officer]) {
      const r = await upload('format=teryt-simc', fixture('simc.csv'), { token });
      expect(r.status).toBe(403);
    }
    expect((await s.api('POST', '/api/address-register/import?format=teryt-simc', { raw: 'x', headers: { 'content-type': 'text/csv' } })).status).toBe(401);
    expect(await snapshot()).toBe(before);
  });

  test('search input is bounded', async () => {
    expect((await s.api('GET', `/public/alerts/localities?q=${'a'.repeat(101)}`)).status).toBe(400);
    expect((await s.api('GET', '/public/alerts/localities?q=a&limit=51')).status).toBe(400);
    expect((await s.api('GET', '/public/alerts/streets?q=a')).status).toBe(400);
    expect((await s.api('GET', '/public/alerts/streets?locality=abc')).status).toBe(400);
    expect((await s.api('GET', '/public/alerts/streets?locality=999999')).body).toEqual({ items: [] });
  });

  test('categories: an officer or admin names them, residents list them; an agent may not', async () => {
    expect((await s.api('GET', '/public/alerts/categories')).body).toEqual({ items: [] });
    const made = await s.api('PUT', '/api/alert-categories/waste', { token: officer, body: { name: 'Wywóz odpadów' } });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ code: 'waste', name: 'Wywóz odpadów' });
    expect((await s.api('PUT', '/api/alert-categories/waste', { token: admin, body: { name: 'Odpady' } })).status).toBe(200);
    expect((await s.api('PUT', '/api/alert-categories/sport', { token: agent, body: { name: 'Sport' } })).status).toBe(403);
    expect((await s.api('PUT', '/api/alert-categories/Not%20a%20code', { token: admin, body: { name: 'X' } })).status).toBe(400);
    expect((await s.api('PUT', '/api/alert-categories/sport', { token: admin, body: { name: '' } })).status).toBe(400);
    expect((await s.api('PUT', '/api/alert-categories/sport', { token: admin, body: { name: 'Sport', extra: 1 } })).status).toBe(400);
    expect((await s.api('GET', '/public/alerts/categories')).body).toEqual({ items: [{ code: 'waste', name: 'Odpady' }] });
  });
});
