import { formBody, storedDefinition } from './definition';
import { renderForm } from './render';
import { submissionText, validateSubmission } from './submission';

const def = storedDefinition.parse({
  title: { nb: 'Kontakt', en: 'Contact' },
  fields: [
    { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
    { name: 'epost', type: 'email', purpose: 'email', label: { nb: 'E-post', en: 'E-mail' } },
    { name: 'tel', type: 'tel', label: { nb: 'Telefon', en: 'Phone' } },
    { name: 'dato', type: 'date', label: { nb: 'Dato', en: 'Date' } },
    { name: 'valg', type: 'select', label: { nb: 'Valg', en: 'Choice' }, options: [{ value: 'a', label: { nb: 'A', en: 'A' } }] },
    { name: 'ok', type: 'checkbox', required: true, label: { nb: 'Jeg samtykker', en: 'I agree' } },
    { name: 'tekst', type: 'textarea', maxLength: 10, label: { nb: 'Tekst', en: 'Text' } },
  ],
});

describe('web form submissions', () => {
  it('names each bad field in the reader’s language and keeps what was typed', () => {
    const r = validateSubmission(def, { navn: '  ', epost: 'x@', tel: 'abc', dato: '2026-13-45', valg: 'z', tekst: 'for lang tekst' }, [], 'en', {
      maxFileBytes: 10,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      navn: 'This field is required.',
      epost: expect.stringMatching(/^Enter a valid e-mail/),
      tel: expect.stringMatching(/^Enter a valid phone/),
      dato: 'Enter the date as YYYY-MM-DD.',
      valg: 'Choose one of the options.',
      ok: 'This field is required.',
      tekst: 'The answer cannot be longer than 10 characters.',
    });
    expect(r.values.epost).toBe('x@');
  });

  it('accepts good answers and writes them as plain, inert text', () => {
    const r = validateSubmission(def, { navn: ' Kari <b>N</b> ', epost: 'kari@innbygger.test', valg: 'a', ok: 'on', tekst: '<script>' }, [], 'nb', {
      maxFileBytes: 10,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(submissionText(def, r.value)).toBe('Navn: Kari &lt;b>N&lt;/b>\nE-post: kari@innbygger.test\nValg: A\nJeg samtykker: Ja\nTekst:\n&lt;script>');
  });

  it('refuses form definitions that cannot work', () => {
    const bad = formBody.safeParse({
      slug: 'a',
      department: 'x',
      title: { nb: 'a', en: 'a' },
      fields: [
        { name: 'sid', type: 'text', purpose: 'email', label: { nb: 'a', en: 'a' } },
        { name: 'b', type: 'text', options: [], label: { nb: 'a', en: 'a' } },
      ],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toEqual(expect.arrayContaining(['fields.0.purpose: purpose email needs type email', 'fields.0.name: is reserved']));
  });

  it('escapes everything it renders', () => {
    const html = renderForm({ slug: 's', lang: 'nb', def, values: { navn: '"><script>x</script>' }, errors: { navn: 'Feil' }, sid: 'abc' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });
});
