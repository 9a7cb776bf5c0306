import { pageTexts } from '../../server/alerts/pages.texts';
import { ALERT_LANGS } from '../../server/alerts/subscriptions.schemas';
import { engines } from '../support/engines';
import { freshClient, lastSmsTo, startAlertsWorld, subscriptionRows, type AlertsWorld } from './subscriptions-fixture';

/*
 * The resident alert pages as a browser without script uses them: plain GETs and form posts,
 * in Polish, Norwegian and English, with labels, the lang attribute and errors tied to fields.
 */

const unescape = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** Every visible input, select and textarea has an id with a <label for> naming it; no script anywhere. */
function assertAccessible(html: string, lang: string) {
  expect(html).toMatch(new RegExp(`<html lang="${lang}">`));
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
  const controls = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter(([, , attrs]) => !/type="hidden"/.test(attrs));
  for (const [tag, , attrs] of controls) {
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    expect(id ? tag : `no id: ${tag}`).toBe(tag);
    expect(html).toContain(`<label for="${id}">`);
  }
}

describe.each(engines())('alert pages on $name', (engine) => {
  let w: AlertsWorld;
  beforeAll(async () => {
    w = await startAlertsWorld(engine);
  });
  afterAll(() => w.close());

  const get = async (path: string) => {
    const res = await fetch(w.s.url + path, { headers: { accept: 'text/html' } });
    return { status: res.status, html: await res.text(), headers: res.headers };
  };
  const post = async (path: string, fields: [string, string][], headers: Record<string, string> = freshClient()) => {
    const res = await fetch(w.s.url + path, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, html: await res.text(), headers: res.headers };
  };

  it.each(ALERT_LANGS)('renders every page in %s with labels, the lang attribute, a strict CSP and no script', async (lang) => {
    const t = pageTexts(lang);
    const pages = [
      `/public/alerts?lang=${lang}&q=sk`,
      `/public/alerts/choose-streets?lang=${lang}&locality=${w.ids.skorzewo}`,
      `/public/alerts/details?lang=${lang}&locality=${w.ids.skorzewo}&street=${w.ids.dzialkowa}`,
      `/public/alerts/leave?lang=${lang}`,
    ];
    for (const path of pages) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      assertAccessible(r.html, lang);
      // Links to the other two languages, each marked with its own language.
      for (const other of ALERT_LANGS.filter((l) => l !== lang)) expect(r.html).toContain(`hreflang="${other}" lang="${other}"`);
    }
    expect((await get(pages[0])).html).toContain(`<h1>${t.title}</h1>`);
    expect((await get(pages[1])).html).toContain('ul. Działkowa');
    expect((await get(pages[3])).html).toContain(t.leaveTitle);
    expect((await get('/public/alerts/assets/alerts.css')).headers.get('content-type')).toContain('text/css');
  });

  it('walks a resident through subscribing by plain form posts, and stores the consent text the page showed', async () => {
    const phone = '+4793000001';
    const start = await get('/public/alerts?lang=pl&q=SKORZ');
    expect(start.status).toBe(200);
    const streetsHref = unescape(/href="(\/public\/alerts\/choose-streets\?[^"]+)">Skórzewo</.exec(start.html)![1]);
    const streets = await get(`${streetsHref}&sq=dzia`);
    expect(streets.html).toContain(`name="street" value="${w.ids.dzialkowa}"`);
    expect(streets.html).not.toContain('ul. Lipowa');
    expect(streets.html).toContain('formaction="/public/alerts/details"');
    // The form's Continue button: a GET with the ticked street.
    const details = await get(`/public/alerts/details?lang=pl&locality=${w.ids.skorzewo}&street=${w.ids.dzialkowa}`);
    expect(details.html).toContain('name="category" value="waste"');
    const chosen: [string, string][] = [
      ['lang', 'pl'],
      ['locality', String(w.ids.skorzewo)],
      ['street', String(w.ids.dzialkowa)],
      ['category', 'waste'],
      ['category', 'emergency'],
      ['phone', '+47 930 00 001'],
    ];
    const client = freshClient();
    const sent = await post('/public/alerts/details', [...chosen, ['step', 'code']], client);
    expect(sent.status).toBe(200);
    assertAccessible(sent.html, 'pl');
    expect(sent.html).toContain(pageTexts('pl').codeSent);
    expect(sent.html).toContain('autocomplete="one-time-code"');
    const shownConsent = unescape(/<p id="consent-text">([^<]+)<\/p>/.exec(sent.html)![1]);
    expect(shownConsent).toContain('ul. Działkowa');

    const code = /\b(\d{6})\b/.exec(lastSmsTo(w, phone)!.params.Body)![1];
    const wrong = await post('/public/alerts/details', [...chosen, ['code', code === '000000' ? '111111' : '000000'], ['step', 'confirm']], client);
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('href="#f-code"');
    expect(wrong.html).toMatch(/id="f-code"[^>]*aria-invalid="true"[^>]*aria-describedby="f-code-hint f-code-error"/);
    expect((await w.s.app.alerts.subscriptions.dataOf(phone)).subscription).toBeNull();

    const done = await post('/public/alerts/details', [...chosen, ['code', code], ['step', 'confirm']], client);
    expect(done.status).toBe(200);
    expect(done.html).toContain(pageTexts('pl').doneTitle);
    const data = await w.s.app.alerts.subscriptions.dataOf(phone);
    expect(data.subscription).toMatchObject({ state: 'active', language: 'pl', streets: [{ name: 'ul. Działkowa' }] });
    expect(data.subscription!.categories.map((c) => c.code).sort()).toEqual(['emergency', 'waste']);
    expect(data.consents).toEqual([expect.objectContaining({ action: 'subscribe', text: shownConsent, language: 'pl', via: 'web' })]);
  });

  it('changes a choice and leaves again the same way, in Norwegian and English', async () => {
    const phone = '+4793000002';
    const client = freshClient();
    const place: [string, string][] = [
      ['lang', 'nb'],
      ['locality', String(w.ids.dopiewo)],
      ['phone', phone],
    ];
    for (const round of [1, 2]) {
      expect((await post('/public/alerts/details', [...place, ['step', 'code']], client)).status).toBe(200);
      const code = /\b(\d{6})\b/.exec(lastSmsTo(w, phone)!.params.Body)![1];
      const extra: [string, string][] = round === 2 ? [['street', String(w.ids.glowna)]] : [];
      expect((await post('/public/alerts/details', [...place, ...extra, ['code', code], ['step', 'confirm']], client)).html).toContain(
        pageTexts('nb').doneTitle,
      );
    }
    expect((await w.s.app.alerts.subscriptions.dataOf(phone)).consents.map((c) => c.action)).toEqual(['subscribe', 'change']);

    const asked = await post(
      '/public/alerts/leave',
      [
        ['lang', 'en'],
        ['phone', phone],
        ['step', 'code'],
      ],
      client,
    );
    expect(asked.status).toBe(200);
    assertAccessible(asked.html, 'en');
    const code = /\b(\d{6})\b/.exec(lastSmsTo(w, phone)!.params.Body)![1];
    const left = await post(
      '/public/alerts/leave',
      [
        ['lang', 'en'],
        ['phone', phone],
        ['code', code],
        ['step', 'confirm'],
      ],
      client,
    );
    expect(left.status).toBe(200);
    expect(left.html).toContain(pageTexts('en').leftTitle);
    const data = await w.s.app.alerts.subscriptions.dataOf(phone);
    expect(data.subscription).toMatchObject({ state: 'left', streets: [{ name: 'ul. Główna' }] });
    expect(data.consents.map((c) => [c.action, c.language])).toEqual([
      ['subscribe', 'nb'],
      ['change', 'nb'],
      ['unsubscribe', 'en'],
    ]);
  });

  it('shows bad input beside its field, in the page’s language, and changes nothing', async () => {
    const before = await subscriptionRows(w.s);
    const bad = await post('/public/alerts/details', [
      ['lang', 'nb'],
      ['locality', String(w.ids.skorzewo)],
      ['phone', 'ikke et nummer'],
      ['step', 'code'],
    ]);
    expect(bad.status).toBe(400);
    assertAccessible(bad.html, 'nb');
    expect(bad.html).toContain('role="alert"');
    expect(bad.html).toContain(`<a href="#f-phone">${pageTexts('nb').invalidPhone}</a>`);
    expect(bad.html).toMatch(/id="f-phone"[^>]*aria-invalid="true"[^>]*aria-describedby="f-phone-hint f-phone-error"/);
    expect(bad.html).toContain('value="ikke et nummer"');

    const nowhere = await post('/public/alerts/details', [
      ['lang', 'en'],
      ['locality', '987654'],
      ['phone', '+4793000003'],
      ['step', 'code'],
    ]);
    expect(nowhere.status).toBe(400);
    expect(nowhere.html).toContain(pageTexts('en').unknownPlace);
    expect((await get('/public/alerts/choose-streets?lang=en&locality=x')).status).toBe(404);
    expect((await get(`/public/alerts/choose-streets?lang=xx&locality=${w.ids.skorzewo}&street=${w.ids.glowna}`)).html).not.toContain('checked');

    // A bot that fills the field people never see gets a person's page, and no SMS goes out.
    const sms = w.standin.messages.length;
    for (const path of ['/public/alerts/details', '/public/alerts/leave']) {
      const bot = await post(path, [
        ['locality', String(w.ids.skorzewo)],
        ['phone', '+4793000004'],
        ['website', 'http://spam.example'],
        ['step', 'code'],
      ]);
      expect(bot.status).toBe(200);
      expect(bot.html).toContain(pageTexts('nb').codeSent);
    }
    expect(w.standin.messages.length).toBe(sms);

    // A client that asks for JSON gets the JSON error shape from the same form post.
    const res = await fetch(`${w.s.url}/public/alerts/leave`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...freshClient() },
      body: 'phone=nope&step=code',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
    expect(await subscriptionRows(w.s)).toBe(before);
  });
});
