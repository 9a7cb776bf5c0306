import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { errorText, useI18n } from '../../shared/i18n';
import type { DepartmentView, Json } from '../../../../server/contracts/views';
import { NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
const list = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Departments: name, voice-menu digit, opening hours per weekday and holidays, mailbox and SMS numbers. */
export function DepartmentsAdmin() {
  const { t } = useI18n();
  const loaded = useLoad(() => api<{ items: DepartmentView[] }>('GET', '/api/departments'), []);
  // A reload after a save keeps the forms (and their "saved" line) on screen.
  if (!loaded.data) return <NotLoaded loaded={loaded} />;
  return (
    <section aria-labelledby="admin-departments">
      <h2 id="admin-departments">{t('adminDepartmentsTitle')}</h2>
      <ul class="plain">
        {loaded.data.items.map((d) => (
          <li key={d.code} data-department={d.code}>
            <DepartmentForm department={d} onSaved={loaded.reload} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function DepartmentForm({ department: d, onSaved }: { department: Json<DepartmentView>; onSaved: () => void }) {
  const { t } = useI18n();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const weekly: Record<string, string[]> = {};
    for (const day of DAYS) {
      const spans = list(f.get(`day${day}`));
      if (spans.length) weekly[day] = spans;
    }
    const anyHours = Object.keys(weekly).length > 0 || list(f.get('holidays')).length > 0;
    const digit = String(f.get('menuDigit') ?? '');
    const body = {
      name: String(f.get('name')),
      menuDigit: digit ? Number(digit) : null,
      email: String(f.get('email') ?? '').trim() || null,
      smsNumbers: list(f.get('smsNumbers')),
      // No hours at all means open around the clock (MISSION.md), not closed every day.
      openingHours: anyHours ? { timezone: d.openingHours?.timezone ?? 'Europe/Oslo', weekly, holidays: list(f.get('holidays')) } : null,
    };
    setMessage(null);
    try {
      await api('PATCH', `/api/departments/${encodeURIComponent(d.code)}`, body);
      setMessage({ ok: true, text: t('adminSaved') });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
    }
  };
  const weekly = (d.openingHours?.weekly ?? {}) as Record<string, string[] | undefined>;
  return (
    <details>
      <summary>
        {d.name} <span class="muted">({d.code})</span>
        {d.menuDigit !== null && <span class="badge">{t('adminMenuDigitShort', { digit: d.menuDigit })}</span>}
      </summary>
      <form class="admin-form" onSubmit={save}>
        <label>
          <span>{t('adminName')}</span>
          <input name="name" defaultValue={d.name} required maxLength={191} />
        </label>
        <label>
          <span>{t('adminMenuDigit')}</span>
          <select name="menuDigit" defaultValue={d.menuDigit === null ? '' : String(d.menuDigit)}>
            <option value="">—</option>
            {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('adminMailbox')}</span>
          <input name="email" type="email" defaultValue={d.email ?? ''} maxLength={191} />
        </label>
        <label>
          <span>{t('adminSmsNumbers')}</span>
          <input name="smsNumbers" defaultValue={d.smsNumbers.join(', ')} placeholder="+4759440004, +4759440005" />
        </label>
        <fieldset>
          <legend>{t('adminOpeningHours')}</legend>
          {DAYS.map((day) => (
            <label key={day}>
              <span>{t(`weekday${day}` as never)}</span>
              <input name={`day${day}`} defaultValue={(weekly[day] ?? []).join(', ')} placeholder="08:00-15:30" size={24} />
            </label>
          ))}
          <label>
            <span>{t('adminHolidays')}</span>
            <input name="holidays" defaultValue={(d.openingHours?.holidays ?? []).join(', ')} placeholder="2026-12-24, 2026-12-31" size={40} />
          </label>
        </fieldset>
        <button type="submit">{t('adminSave')}</button>
        {message && (
          <p class={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
      </form>
    </details>
  );
}
