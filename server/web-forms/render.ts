import { maxLengthOf, type FormDefinition, type FormField, type Lang } from './definition';
import { t } from './i18n';
import type { FieldErrors } from './submission';

/*
 * Server-rendered pages for citizens: plain HTML, no script at all, every value escaped. Errors are
 * announced by a summary with role="alert" at the top (read out when the page loads) and tied to
 * each field with aria-describedby and aria-invalid; native controls keep the keyboard working.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

export const STYLESHEET_PATH = '/public/forms/assets/form.css';

function page(lang: Lang, title: string, main: string, alternate?: string): string {
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
${alternate ? `<p class="lang"><a href="${esc(alternate)}" hreflang="${lang === 'nb' ? 'en' : 'nb'}" lang="${lang === 'nb' ? 'en' : 'nb'}">${esc(t(lang).other)}</a></p>\n` : ''}${main}
</main>
</body>
</html>
`;
}

const AUTOCOMPLETE: Record<string, string> = { name: 'name', email: 'email', phone: 'tel' };

function field(f: FormField, lang: Lang, value: string, error: string | undefined): string {
  const id = `f-${f.name}`;
  const msg = t(lang);
  const describedBy = [f.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = `id="${id}" name="${f.name}"${f.required ? ' required aria-required="true"' : ''}${error ? ' aria-invalid="true"' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}`;
  const auto = f.purpose ? ` autocomplete="${AUTOCOMPLETE[f.purpose]}"` : '';
  const label = `<label for="${id}">${esc(f.label[lang])}${f.required ? ` <span class="req">${esc(msg.requiredMark)}</span>` : ''}</label>`;
  const help = f.help ? `<p class="help" id="${id}-help">${esc(f.help[lang])}</p>` : '';
  const err = error ? `<p class="error" id="${id}-error">${esc(error)}</p>` : '';
  let control: string;
  switch (f.type) {
    case 'textarea':
      control = `<textarea ${common} rows="6" maxlength="${maxLengthOf(f)}">${esc(value)}</textarea>`;
      break;
    case 'select':
      control = `<select ${common}><option value="">${esc(msg.choose)}</option>${f.options!.map((o) => `<option value="${esc(o.value)}"${o.value === value ? ' selected' : ''}>${esc(o.label[lang])}</option>`).join('')}</select>`;
      break;
    case 'checkbox':
      return `<div class="field checkbox${error ? ' has-error' : ''}"><input type="checkbox" ${common} value="on"${value ? ' checked' : ''}> ${label}${help}${err}</div>`;
    case 'file':
      control = `<input type="file" ${common}>`;
      break;
    default: {
      const type = f.type === 'tel' ? 'tel' : f.type === 'email' ? 'email' : f.type === 'date' ? 'date' : 'text';
      control = `<input type="${type}" ${common} value="${esc(value)}" maxlength="${maxLengthOf(f)}"${auto}${f.type === 'tel' ? ' inputmode="tel"' : ''}>`;
    }
  }
  return `<div class="field${error ? ' has-error' : ''}">${label}${help}${control}${err}</div>`;
}

export interface FormView {
  slug: string;
  lang: Lang;
  def: FormDefinition;
  values: Record<string, string>;
  errors: FieldErrors;
  /** Identifies this rendering of the form, so a double submit records once. */
  sid: string;
}

export function renderForm(v: FormView): string {
  const msg = t(v.lang);
  const names = Object.keys(v.errors);
  const summary = names.length
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">${esc(msg.errorSummary)}</h2>
<ul>${names.map((n) => `<li><a href="#f-${n}">${esc(v.def.fields.find((f) => f.name === n)?.label[v.lang] ?? n)}: ${esc(v.errors[n])}</a></li>`).join('')}</ul>
</div>`
    : '';
  const hasFile = v.def.fields.some((f) => f.type === 'file');
  const action = `/public/forms/${v.slug}?lang=${v.lang}`;
  const body = `<h1>${esc(v.def.title[v.lang])}</h1>
${v.def.intro ? `<p class="intro">${esc(v.def.intro[v.lang])}</p>` : ''}
${summary}
<form method="post" action="${esc(action)}"${hasFile ? ' enctype="multipart/form-data"' : ''}>
<input type="hidden" name="sid" value="${esc(v.sid)}">
<input type="hidden" name="lang" value="${v.lang}">
${v.def.fields.map((f) => field(f, v.lang, v.values[f.name] ?? '', v.errors[f.name])).join('\n')}
<div class="hp" aria-hidden="true"><label for="f-website">${esc(msg.honeypot)}</label><input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off" value=""></div>
<button type="submit">${esc(msg.send)}</button>
</form>`;
  const title = names.length ? `${msg.errorSummary} – ${v.def.title[v.lang]}` : v.def.title[v.lang];
  return page(v.lang, title, body, `/public/forms/${v.slug}?lang=${v.lang === 'nb' ? 'en' : 'nb'}`);
}

export function renderThanks(lang: Lang, title: string, reference: number | null, receipt: boolean, refused: string[] = []): string {
  const msg = t(lang);
  const body =
    reference === null
      ? `<h1>${esc(msg.thanksGeneric)}</h1>`
      : `<h1>${esc(msg.thanksTitle)}</h1>
<p role="status">${esc(msg.thanksBody(reference))}</p>
${receipt ? `<p>${esc(msg.thanksReceipt)}</p>` : ''}
${refused.map((name) => `<p>${esc(msg.fileRefused(name))}</p>`).join('\n')}`;
  return page(lang, `${msg.thanksTitle} – ${title}`, body);
}

export function renderMessage(lang: Lang, text: string): string {
  return page(lang, text, `<h1>${esc(text)}</h1>`);
}

export const STYLESHEET = `body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;padding:1rem;color:#1a1a1a;background:#fff}
main{max-width:40rem;margin:0 auto}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:600}
.checkbox label{display:inline}
.req{font-weight:400}
input[type=text],input[type=email],input[type=tel],input[type=date],textarea,select{display:block;width:100%;box-sizing:border-box;padding:.5rem;border:2px solid #333;font:inherit}
:focus{outline:3px solid #1d70b8;outline-offset:2px}
.help{margin:.25rem 0;color:#444}
.error{color:#b00020;font-weight:600;margin:.25rem 0}
.has-error input,.has-error textarea,.has-error select{border-color:#b00020}
.error-summary{border:3px solid #b00020;padding:1rem;margin:0 0 1.5rem}
.error-summary a{color:#b00020}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
button{font:inherit;padding:.6rem 1.5rem;background:#1d70b8;color:#fff;border:0;cursor:pointer}
.lang{text-align:right}
`;
