import type { CitizenExport } from './citizen.service';
import { exportTexts, type ExportLang } from './citizen.texts';

/* The export as one HTML document: no script, no external resource, every value escaped. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (v: unknown) => (v === null || v === undefined ? '' : String(v)).replace(/[&<>"']/g, (c) => ESCAPES[c]);
const list = (items: string[], none: string) => (items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : `<p>${esc(none)}</p>`);

export function renderExport(d: CitizenExport, lang: ExportLang): string {
  const t = exportTexts(lang);
  const c = d.contact;
  const inquiries = d.inquiries.map(
    (i) => `<section><h3>${esc(t.inquiry)} ${esc(i.id)} · ${esc(i.createdAt)}</h3>
<p>${esc(t.channel)}: ${esc(i.channel)} · ${esc(t.department)}: ${esc(i.department)}${i.caseNumber ? ` · ${esc(t.caseNumber)}: ${esc(i.caseNumber)}` : ''}</p>
${list(
  i.messages.map(
    (m) =>
      `<strong>${esc(m.direction === 'in' ? t.received : t.sent)}</strong> ${esc(m.createdAt)}${m.subject ? ` · ${esc(m.subject)}` : ''}<blockquote>${esc(m.body)}</blockquote>${m.attachments
        .map((a) => `<div>${esc(t.attachment)}: ${esc(a.filename)} (${esc(a.contentType)}, ${esc(a.size)} B)</div>`)
        .join('')}`,
  ),
  t.none,
)}</section>`,
  );
  const s = d.alertSubscription;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(t.title)}</title></head>
<body>
<h1>${esc(t.title)}</h1>
<p>${esc(t.intro)}</p>
<p>${esc(t.generated)}: ${esc(d.generatedAt)}</p>
<h2>${esc(t.contact)}</h2>
<dl><dt>${esc(t.name)}</dt><dd>${esc(c.name)}</dd><dt>${esc(t.phones)}</dt><dd>${esc(c.phones.join(', '))}</dd><dt>${esc(t.emails)}</dt><dd>${esc(c.emails.join(', '))}</dd>
<dt>${esc(t.address)}</dt><dd>${esc([c.address, c.postalCode, c.city].filter(Boolean).join(', '))}</dd><dt>${esc(t.language)}</dt><dd>${esc(c.language)}</dd></dl>
<h2>${esc(t.cases)}</h2>
${list(
  d.cases.map((k) => `${esc(k.caseNumber)} · ${esc(k.title)} · ${esc(k.status)}`),
  t.none,
)}
<h2>${esc(t.inquiries)}</h2>
${inquiries.join('\n') || `<p>${esc(t.none)}</p>`}
<h2>${esc(t.calls)}</h2>
${list(
  d.calls.map((x) => `${esc(x.at)} · ${esc(x.from)} → ${esc(x.to)}`),
  t.none,
)}
<h2>${esc(t.journal)}</h2>
${list(
  d.journalEntries.map((j) => `${esc(j.journal)} · ${esc(j.title)}${j.caseNumber ? ` · ${esc(j.caseNumber)}` : ''}`),
  t.none,
)}
<h2>${esc(t.subscription)}</h2>
${s ? `<p>${esc(s.phone)} · ${esc(s.locality)} ${esc((s.streets as string[]).join(', '))} · ${esc(s.state)}</p>` : `<p>${esc(t.none)}</p>`}
<h2>${esc(t.consents)}</h2>
${list(
  d.consents.map((x) => `${esc(x.at)} · ${esc(x.action)} · ${esc(x.text)}`),
  t.none,
)}
<h2>${esc(t.stopList)}</h2>
${list(
  d.stopList.map((x) => `${esc(x.phone)} ← ${esc(x.sender)} · ${esc(x.at)}`),
  t.none,
)}
<h2>${esc(t.reads)}</h2>
${list(
  d.staffReads.map((r) => `${esc(r.at)} · ${esc(r.staff)} · ${esc(r.action)} · ${esc(r.what)}`),
  t.none,
)}
</body></html>
`;
}
