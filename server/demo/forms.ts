import type { DepartmentRepository } from '../register/module';
import { type WebFormRepository, formBody, type FormInput } from '../web-forms/module';

/** The demo's public web forms, so /public/forms/kontakt shows something on a fresh clone. */
const DEMO_FORMS: FormInput[] = [
  {
    slug: 'kontakt',
    department: 'switchboard',
    title: { nb: 'Kontakt kommunen', en: 'Contact the municipality' },
    intro: { nb: 'Skriv til oss, så svarer vi så snart vi kan.', en: 'Write to us and we will answer as soon as we can.' },
    fields: [
      { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
      {
        name: 'epost',
        type: 'email',
        purpose: 'email',
        label: { nb: 'E-post', en: 'E-mail' },
        help: { nb: 'Vi sender kvittering hit.', en: 'We send the receipt here.' },
      },
      { name: 'telefon', type: 'tel', purpose: 'phone', label: { nb: 'Mobilnummer', en: 'Mobile number' } },
      { name: 'melding', type: 'textarea', required: true, label: { nb: 'Hva gjelder det?', en: 'What is it about?' } },
    ],
  },
  {
    slug: 'byggesak',
    department: 'byggesak',
    title: { nb: 'Spørsmål om byggesak', en: 'Question about building permits' },
    fields: [
      { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
      { name: 'epost', type: 'email', purpose: 'email', required: true, label: { nb: 'E-post', en: 'E-mail' } },
      {
        name: 'tema',
        type: 'select',
        required: true,
        label: { nb: 'Tema', en: 'Topic' },
        options: [
          { value: 'tilbygg', label: { nb: 'Tilbygg', en: 'Extension' } },
          { value: 'garasje', label: { nb: 'Garasje', en: 'Garage' } },
          { value: 'annet', label: { nb: 'Annet', en: 'Other' } },
        ],
      },
      { name: 'sporsmal', type: 'textarea', required: true, label: { nb: 'Spørsmål', en: 'Question' } },
      { name: 'vedlegg', type: 'file', label: { nb: 'Tegning eller bilde', en: 'Drawing or photo' } },
    ],
  },
];

export async function seedDemoForms(deps: { register: { departments: DepartmentRepository }; webForms: { forms: WebFormRepository } | null }): Promise<void> {
  if (!deps.webForms) return;
  const { forms } = deps.webForms;
  for (const input of DEMO_FORMS) {
    const f = formBody.parse(input);
    const department = await deps.register.departments.byCode(f.department);
    if (!department || (await forms.bySlug(f.slug))) continue;
    await forms.create({
      slug: f.slug,
      departmentId: department.id,
      definition: { title: f.title, ...(f.intro ? { intro: f.intro } : {}), fields: f.fields },
      active: true,
      createdBy: null,
    });
  }
}
