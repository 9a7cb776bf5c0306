import type { AlertCategory, Locality, Street } from './entities';
import { pageTexts, type PageTexts } from './pages.texts';
import { ALERT_LANGS, type AlertLang } from './subscriptions.schemas';

/*
 * The resident alert pages: plain HTML, no script, every value escaped; the same standard as the
 * web forms (server/web-forms/render.ts). Errors are a summary with role="alert" whose links lead to
 * each field, and each field says aria-invalid and points at its message with aria-describedby.
 * What is not personal (place, streets) travels in GET query strings so the searches work without
 * script; the number and the code only ever in POST bodies.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

export const BASE = '/public/alerts';
export const STYLESHEET_PATH = `${BASE}/assets/alerts.css`;

/** Field name → message; the order is the order of the summary. */
export type PageErrors = Partial<Record<'phone' | 'code', string>>;

export const urlOf = (path: string, params: [string, string][]) => {
  const q = new URLSearchParams(params).toString();
  return `${BASE}${path}${q ? `?${q}` : ''}`;
};

function page(lang: AlertLang, title: string, main: string, here: (l: AlertLang) => string): string {
  const others = ALERT_LANGS.filter((l) => l !== lang)
    .map((l) => `<a href="${esc(here(l))}" hreflang="${l}" lang="${l}">${esc(pageTexts(l).langName)}</a>`)
    .join(' · ');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
<nav class="lang" aria-label="${esc(pageTexts(lang).languages)}">${others}</nav>
${main}
</main>
</body>
</html>
`;
}

function summary(t: PageTexts, errors: PageErrors): string {
  const entries = Object.entries(errors);
  if (!entries.length) return '';
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">${esc(t.errorSummary)}</h2>
<ul>${entries.map(([f, m]) => `<li><a href="#f-${f}">${esc(m!)}</a></li>`).join('')}</ul>
</div>`;
}

/** A labelled text input with its hint and error tied to it. */
function input(name: 'phone' | 'code' | 'q' | 'sq', label: string, hint: string | null, value: string, error: string | undefined, extra: string): string {
  const id = `f-${name}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `<div class="field${error ? ' has-error' : ''}">
<label for="${id}">${esc(label)}</label>
${hint ? `<p class="help" id="${id}-hint">${esc(hint)}</p>` : ''}${error ? `<p class="error" id="${id}-error">${esc(error)}</p>` : ''}
<input id="${id}" name="${name}" value="${esc(value)}"${error ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''} ${extra}>
</div>`;
}

/** A field people never see (as on the web forms): a bot that fills it is thanked and nothing is sent. */
const honeypot = (t: PageTexts) =>
  `<div class="hp" aria-hidden="true"><label for="f-website">${esc(t.honeypot)}</label><input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off" value=""></div>`;

const hidden = (name: string, value: string) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;

/** Step 1: find the locality (a GET form), results as links to step 2. */
/** A place as the register's search finds it. */
export interface FoundPlace {
  id: string | number;
  name: string;
  area?: string | null;
}

export function renderStart(v: { lang: AlertLang; q: string; localities: FoundPlace[] | null }): string {
  const t = pageTexts(v.lang);
  const results =
    v.localities === null
      ? ''
      : v.localities.length
        ? `<h2 id="results">${esc(t.chooseLocality)}</h2>
<ul aria-labelledby="results">${v.localities
            .map(
              (l) =>
                `<li><a href="${esc(
                  urlOf('/choose-streets', [
                    ['lang', v.lang],
                    ['locality', String(l.id)],
                  ]),
                )}">${esc(l.name)}</a>${l.area ? ` <span class="area">(${esc(l.area)})</span>` : ''}</li>`,
            )
            .join('')}</ul>`
        : `<p role="status">${esc(t.noLocalities)}</p>`;
  const main = `<h1>${esc(t.title)}</h1>
<p class="intro">${esc(t.intro)}</p>
<form method="get" action="${BASE}" role="search">
${hidden('lang', v.lang)}
${input('q', t.localityLabel, t.localityHint, v.q, undefined, 'type="search" maxlength="100" autocomplete="address-level2"')}
<button type="submit">${esc(t.search)}</button>
</form>
${results}
<p><a href="${esc(urlOf('/leave', [['lang', v.lang]]))}">${esc(t.leaveLink)}</a></p>`;
  return page(v.lang, t.title, main, (l) => urlOf('', [['lang', l], ...(v.q ? [['q', v.q] as [string, string]] : [])]));
}

/**
 * Step 2: the locality's streets. One GET form: the search button comes first, so Enter in the
 * search field searches, and ticked streets travel with the search; Continue goes on to step 3.
 */
export function renderStreets(v: { lang: AlertLang; locality: Locality; sq: string; results: FoundPlace[]; chosen: Street[] }): string {
  const t = pageTexts(v.lang);
  const isChosen = (s: FoundPlace) => v.chosen.some((c) => String(c.id) === String(s.id));
  const shown: FoundPlace[] = [...v.chosen, ...v.results.filter((s) => !isChosen(s))];
  const boxes = shown
    .map(
      (s) =>
        `<div class="checkbox"><input type="checkbox" id="street-${esc(String(s.id))}" name="street" value="${esc(String(s.id))}"${isChosen(s) ? ' checked' : ''}> <label for="street-${esc(String(s.id))}">${esc(s.name)}</label></div>`,
    )
    .join('\n');
  const main = `<h1>${esc(t.streetsTitle(v.locality.name))}</h1>
<p id="streets-hint">${esc(t.streetsHint)}</p>
<form method="get" action="${BASE}/choose-streets">
${hidden('lang', v.lang)}${hidden('locality', String(v.locality.id))}
${input('sq', t.streetLabel, null, v.sq, undefined, 'type="search" maxlength="100"')}
<button type="submit">${esc(t.search)}</button>
<fieldset aria-describedby="streets-hint"><legend>${esc(t.streetsLegend)}</legend>
${boxes || `<p role="status">${esc(t.noStreets)}</p>`}
</fieldset>
<button type="submit" formaction="${BASE}/details">${esc(t.continue)}</button>
</form>
<p><a href="${esc(urlOf('', [['lang', v.lang]]))}">${esc(t.changePlace)}</a></p>`;
  return page(v.lang, t.streetsTitle(v.locality.name), main, (l) =>
    urlOf('/choose-streets', [['lang', l], ['locality', String(v.locality.id)], ...v.chosen.map((s) => ['street', String(s.id)] as [string, string])]),
  );
}

export interface DetailsView {
  lang: AlertLang;
  locality: Locality;
  streets: Street[];
  categories: AlertCategory[];
  chosenCategories: string[];
  phone: string;
  /** After the code was asked for: the code field, the consent text and the confirm button appear. */
  consent: string | null;
  codeSent: boolean;
  errors: PageErrors;
}

/** Step 3: categories, the number, then the code and the consent it confirms (a POST form). */
export function renderDetails(v: DetailsView): string {
  const t = pageTexts(v.lang);
  const place = `${v.locality.name}: ${v.streets.length ? v.streets.map((s) => s.name).join(', ') : t.wholeLocality}`;
  const cats = v.categories
    .map(
      (c) =>
        `<div class="checkbox"><input type="checkbox" id="category-${esc(c.code)}" name="category" value="${esc(c.code)}"${v.chosenCategories.includes(c.code) ? ' checked' : ''}> <label for="category-${esc(c.code)}">${esc(c.name)}</label></div>`,
    )
    .join('\n');
  const confirming = v.consent !== null;
  const main = `<h1>${esc(t.detailsTitle)}</h1>
${summary(t, v.errors)}
<p><strong>${esc(t.chosenPlace)}:</strong> ${esc(place)} (<a href="${esc(urlOf('/choose-streets', [['lang', v.lang], ['locality', String(v.locality.id)], ...v.streets.map((s) => ['street', String(s.id)] as [string, string])]))}">${esc(t.changePlace)}</a>)</p>
${v.codeSent && !Object.keys(v.errors).length ? `<p role="status" class="status">${esc(t.codeSent)}</p>` : ''}
<form method="post" action="${BASE}/details">
${hidden('lang', v.lang)}${hidden('locality', String(v.locality.id))}${v.streets.map((s) => hidden('street', String(s.id))).join('')}
${cats ? `<fieldset aria-describedby="categories-hint"><legend>${esc(t.categoriesLegend)}</legend><p class="help" id="categories-hint">${esc(t.categoriesHint)}</p>\n${cats}\n</fieldset>` : ''}
${input('phone', t.phoneLabel, t.phoneHint, v.phone, v.errors.phone, 'type="tel" inputmode="tel" autocomplete="tel" maxlength="40" required aria-required="true"')}
${honeypot(t)}
${
  confirming
    ? `${input('code', t.codeLabel, t.codeHint, '', v.errors.code, 'type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required aria-required="true"')}
<div class="consent"><h2>${esc(t.consentLegend)}</h2><p id="consent-text">${esc(v.consent!)}</p></div>
<button type="submit" name="step" value="confirm" aria-describedby="consent-text">${esc(t.confirm)}</button>
<button type="submit" name="step" value="code" class="secondary" formnovalidate>${esc(t.newCode)}</button>`
    : `<button type="submit" name="step" value="code">${esc(t.sendCode)}</button>`
}
</form>`;
  const title = Object.keys(v.errors).length ? `${t.errorSummary} – ${t.detailsTitle}` : t.detailsTitle;
  return page(v.lang, title, main, (l) =>
    urlOf('/details', [['lang', l], ['locality', String(v.locality.id)], ...v.streets.map((s) => ['street', String(s.id)] as [string, string])]),
  );
}

/** Leaving: the number, then the code (a POST form). */
export function renderLeave(v: { lang: AlertLang; phone: string; codeSent: boolean; errors: PageErrors }): string {
  const t = pageTexts(v.lang);
  const main = `<h1>${esc(t.leaveTitle)}</h1>
<p class="intro">${esc(t.leaveIntro)}</p>
${summary(t, v.errors)}
${v.codeSent && !Object.keys(v.errors).length ? `<p role="status" class="status">${esc(t.codeSent)}</p>` : ''}
<form method="post" action="${BASE}/leave">
${hidden('lang', v.lang)}
${input('phone', t.phoneLabel, t.phoneHint, v.phone, v.errors.phone, 'type="tel" inputmode="tel" autocomplete="tel" maxlength="40" required aria-required="true"')}
${honeypot(t)}
${
  v.codeSent
    ? `${input('code', t.codeLabel, t.codeHint, '', v.errors.code, 'type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required aria-required="true"')}
<button type="submit" name="step" value="confirm">${esc(t.leaveConfirm)}</button>
<button type="submit" name="step" value="code" class="secondary" formnovalidate>${esc(t.newCode)}</button>`
    : `<button type="submit" name="step" value="code">${esc(t.sendCode)}</button>`
}
</form>
<p><a href="${esc(urlOf('', [['lang', v.lang]]))}">${esc(t.startLink)}</a></p>`;
  const title = Object.keys(v.errors).length ? `${t.errorSummary} – ${t.leaveTitle}` : t.leaveTitle;
  return page(v.lang, title, main, (l) => urlOf('/leave', [['lang', l]]));
}

/** A closing page (signed up, left) or a refusal, with the way back. */
export function renderMessage(lang: AlertLang, title: string, body: string | null, path = ''): string {
  const t = pageTexts(lang);
  const main = `<h1>${esc(title)}</h1>
${body ? `<p role="status">${esc(body)}</p>` : ''}
<p><a href="${esc(urlOf('', [['lang', lang]]))}">${esc(t.startLink)}</a> · <a href="${esc(urlOf('/leave', [['lang', lang]]))}">${esc(t.leaveLink)}</a></p>`;
  return page(lang, title, main, (l) => urlOf(path, [['lang', l]]));
}

export const STYLESHEET = `body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;padding:1rem;color:#1a1a1a;background:#fff}
main{max-width:40rem;margin:0 auto}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:600}
.checkbox{margin:.25rem 0}
.checkbox label{display:inline;font-weight:400}
input[type=text],input[type=tel],input[type=search]{display:block;width:100%;box-sizing:border-box;padding:.5rem;border:2px solid #333;font:inherit}
fieldset{border:1px solid #999;margin:0 0 1.25rem;padding:.75rem 1rem}
legend{font-weight:600}
:focus{outline:3px solid #1d70b8;outline-offset:2px}
.help{margin:.25rem 0;color:#444}
.error{color:#b00020;font-weight:600;margin:.25rem 0}
.has-error input{border-color:#b00020}
.error-summary{border:3px solid #b00020;padding:1rem;margin:0 0 1.5rem}
.error-summary a{color:#b00020}
.status{border-left:4px solid #1d70b8;padding-left:.75rem}
.consent{border:1px solid #999;padding:.75rem 1rem;margin:0 0 1.25rem}
button{font:inherit;padding:.6rem 1.5rem;background:#1d70b8;color:#fff;border:0;cursor:pointer;margin:0 .5rem .5rem 0}
button.secondary{background:#fff;color:#1d70b8;border:2px solid #1d70b8}
.lang{text-align:right}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
`;
