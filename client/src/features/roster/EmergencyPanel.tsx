import { useEffect, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { errorText, useI18n } from '../../shared/i18n';
import type { EmergencyView } from './types';

/** How often the panel asks for the emergency's progress and answers while it is open. */
const POLL_MS = 1000;

/** "Everyone, now": the unit's emergency message, its progress as it goes, and who has answered. */
export function EmergencyPanel({ unit }: { unit: string }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [askReply, setAskReply] = useState(true);
  const [id, setId] = useState<number | null>(null);
  const [view, setView] = useState<EmergencyView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (id === null) return;
    let stop = false;
    const tick = () =>
      api<EmergencyView>('GET', `/api/roster/emergencies/${id}`).then(
        (v) => !stop && setView(v),
        () => undefined,
      );
    void tick();
    const timer = setInterval(() => void tick(), POLL_MS);
    return () => ((stop = true), clearInterval(timer));
  }, [id]);
  const send = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ id: number }>('POST', '/api/roster/emergency', { unit, body, askReply, guardians: true });
      setId(r.id);
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  // Handed to the provider, or settled without it (stopped): what is no longer waiting to go.
  const done = view ? Math.min(view.recipients, (view.dispatched ?? 0) + (view.statuses.stopped ?? 0)) : 0;
  return (
    <form class="card roster-emergency" onSubmit={send} aria-labelledby="roster-emergency-title">
      <h2 id="roster-emergency-title">{t('rosterEmergency')}</h2>
      <p class="hint">{t('rosterEmergencyHint')}</p>
      <label>
        {t('rosterEmergencyText')}
        <textarea value={body} maxLength={1600} required onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label>
        <input type="checkbox" checked={askReply} onChange={(e) => setAskReply((e.target as HTMLInputElement).checked)} /> {t('rosterAskReply')}
      </label>
      <button type="submit" class="primary danger" disabled={!body.trim() || id !== null}>
        {t('rosterEmergencySend')}
      </button>
      {error ? <p role="alert">{error}</p> : null}
      {view ? (
        <div data-testid="emergency-progress" data-done={done} data-recipients={view.recipients} data-answers={view.answers} aria-live="polite">
          <progress max={view.recipients} value={done} />
          <p>{t('rosterProgress', { done, n: view.recipients })}</p>
          {view.askReply ? <p data-testid="emergency-answers">{t('rosterAnswers', { n: view.answers })}</p> : null}
          {view.askReply && view.notAnsweredCount ? (
            <details>
              <summary>{t('rosterNotAnswered', { n: view.notAnsweredCount })}</summary>
              <ul>
                {view.notAnswered.map((p) => (
                  <li key={p.phone}>
                    {p.name ?? ''} {p.phone}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
