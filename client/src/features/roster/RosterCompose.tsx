import { useEffect, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { errorText, useI18n } from '../../shared/i18n';
import { guardiansOf, type Reach } from './types';

/** A message to a unit's roster: groups, kinds or everyone, the people and/or their guardians, with a live count. */
export function RosterCompose({ unit, groups }: { unit: string; groups: string[] }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [everyone, setEveryone] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [kinds, setKinds] = useState<string[]>([]);
  const [reach, setReach] = useState<Reach>('people');
  const [count, setCount] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const named = everyone || picked.length > 0 || kinds.length > 0;
  const roster = {
    unit,
    ...(everyone ? { everyone: true } : {}),
    ...(picked.length && !everyone ? { groups: picked } : {}),
    ...(kinds.length && !everyone ? { kinds } : {}),
    ...(guardiansOf(reach) !== undefined ? { guardians: guardiansOf(reach) } : {}),
  };
  const key = JSON.stringify(roster);
  useEffect(() => {
    if (!named) return setCount(null);
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api<{ recipients: number }>('POST', '/api/sms/preview', { body: body || ' ', audience: { roster } }, { signal: ctl.signal }).then(
        (r) => setCount(r.recipients),
        () => undefined,
      );
    }, 200);
    return () => (clearTimeout(timer), ctl.abort());
    // The audience as text is what changes the count; the text itself does not (the preview needs one).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const send = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api<{ id: number; recipients: number }>('POST', '/api/sms/messages', { body, audience: { roster } });
      setNote(t('rosterSent', { id: r.id, n: r.recipients }));
      setBody('');
    } catch (err) {
      setNote(errorText(t, err));
    }
  };
  return (
    <form class="card roster-compose" onSubmit={send} aria-labelledby="roster-compose-title">
      <h2 id="roster-compose-title">{t('rosterCompose')}</h2>
      <label>
        {t('rosterText')}
        <textarea value={body} maxLength={1600} required onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
      </label>
      <p class="hint">{t('rosterMergeHint')}</p>
      <label>
        <input type="checkbox" checked={everyone} onChange={(e) => setEveryone((e.target as HTMLInputElement).checked)} /> {t('rosterEveryone')}
      </label>
      <fieldset disabled={everyone}>
        <legend>{t('rosterPickGroups')}</legend>
        {groups.map((g) => (
          <label key={g}>
            <input type="checkbox" checked={picked.includes(g)} onChange={() => setPicked((old) => toggle(old, g))} /> {g}
          </label>
        ))}
      </fieldset>
      <fieldset disabled={everyone}>
        <legend>{t('rosterPickKinds')}</legend>
        {(['student', 'staff'] as const).map((k) => (
          <label key={k}>
            <input type="checkbox" checked={kinds.includes(k)} onChange={() => setKinds((old) => toggle(old, k))} />{' '}
            {t(k === 'staff' ? 'rosterKind_staff' : 'rosterKind_student')}
          </label>
        ))}
      </fieldset>
      <label>
        {t('rosterReach')}
        <select value={reach} onChange={(e) => setReach((e.target as HTMLSelectElement).value as Reach)}>
          <option value="people">{t('rosterReach_people')}</option>
          <option value="both">{t('rosterReach_both')}</option>
          <option value="only">{t('rosterReach_only')}</option>
        </select>
      </label>
      <p data-testid="roster-count" data-recipients={count ?? ''} aria-live="polite">
        {count === null ? t('rosterCountNone') : t('rosterCount', { n: count })}
      </p>
      <button type="submit" class="primary" disabled={!named || !body.trim()}>
        {t('rosterSend')}
      </button>
      {note ? <p role="status">{note}</p> : null}
    </form>
  );
}
