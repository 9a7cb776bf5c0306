import { useRef, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { ErrorMessage } from '../../shared/components';
import { useI18n } from '../../shared/i18n';
import { smsLength } from '../../shared/sms-length';
import type { Json, SmsSendView, SmsSeriesView } from '../../../../server/contracts/views';
import { AudiencePicker } from './AudiencePicker';
import { EmergencyDialog } from './EmergencyDialog';
import { Figures } from './Figures';
import { audienceOf, insertAt, sendRequestOf, type AudienceChoice, type When } from './request';
import { DEFAULT_RULE, Schedule } from './Schedule';
import { usePreview } from './usePreview';

const MERGE_FIELDS = ['locality', 'street'] as const;
const NO_AUDIENCE: AudienceChoice = { all: false, localities: [], streets: [], categories: [] };

/** The officer's alert: text, who gets it (with the live count), when, emergency, and send. */
export function Compose({ onSent, onSeries }: { onSent: (s: Json<SmsSendView>) => void; onSeries: (s: Json<SmsSeriesView>) => void }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [audience, setAudience] = useState<AudienceChoice>(NO_AUDIENCE);
  const [emergency, setEmergency] = useState(false);
  const [asking, setAsking] = useState(false);
  const [overrideQuiet, setOverrideQuiet] = useState(false);
  const [kind, setKind] = useState<When['kind']>('now');
  const [at, setAt] = useState('');
  const [rule, setRule] = useState(DEFAULT_RULE);
  const [skipHolidays, setSkipHolidays] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const text = useRef<HTMLTextAreaElement>(null);

  const preview = usePreview(body, audienceOf(audience, emergency), emergency);
  const length = smsLength(body);

  const insertField = (f: string) => {
    const el = text.current;
    const r = insertAt(body, el?.selectionStart ?? body.length, el?.selectionEnd ?? body.length, `{{${f}}}`);
    setBody(r.text);
    // After the re-render, the caret goes after the field, so typing continues there.
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.caret, r.caret);
    });
  };

  const when = (): When => (kind === 'at' ? { kind, at } : kind === 'recurring' ? { kind, rule, skipHolidays } : { kind: 'now' });

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const r = sendRequestOf({ body, audience, emergency, when: when(), overrideQuietHours: overrideQuiet }, new Date());
    if (!r.ok) return setProblem(t(`alertsMissing_${r.reason}`));
    setProblem(null);
    setBusy(true);
    try {
      // A recurring send answers with its series ({id, state, recipients, series}); each occurrence becomes a send later.
      const sent = await api<SmsSendView & { series?: SmsSeriesView }>('POST', '/api/sms/messages', r.request);
      if (sent.series) {
        setDone(t('alertsSeriesMade', { id: sent.series.id, recipients: sent.recipients }));
        onSeries(sent.series);
      } else {
        setDone(t('alertsSent', { id: sent.id, recipients: sent.recipients }));
        onSent(sent);
      }
      setBody('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class={`alert-compose${emergency ? ' emergency' : ''}`} onSubmit={submit} aria-labelledby="compose-title">
      <h2 id="compose-title">{t('alertsCompose')}</h2>
      <label class="field" for="alert-body">
        <span>{t('alertsText')}</span>
      </label>
      <textarea
        id="alert-body"
        name="body"
        ref={text}
        rows={5}
        maxLength={1600}
        value={body}
        onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)}
        aria-describedby="alert-counter"
      />
      <div class="merge-fields" role="group" aria-label={t('alertsMergeFields')}>
        {MERGE_FIELDS.map((f) => (
          <button type="button" key={f} onClick={() => insertField(f)}>
            {t('alertsInsertField', { field: `{{${f}}}` })}
          </button>
        ))}
      </div>
      <p id="alert-counter" class="hint">
        {t('smsCounter', { characters: length.characters, segments: length.segments, encoding: length.encoding, remaining: length.remaining })}
        {length.nonGsm.length > 0 && <> · {t('smsNonGsm', { chars: length.nonGsm.join(' ') })}</>}
      </p>
      <p class="hint">{t('alertsMergeHint')}</p>

      <AudiencePicker value={audience} onChange={setAudience} emergency={emergency} />
      <Figures preview={preview} hasText={body.trim() !== ''} />

      <Schedule kind={kind} onKind={setKind} at={at} onAt={setAt} rule={rule} onRule={setRule} skipHolidays={skipHolidays} onSkipHolidays={setSkipHolidays} />

      <fieldset class="urgency">
        <legend>{t('alertsUrgency')}</legend>
        <label>
          <input
            type="checkbox"
            name="emergency"
            checked={emergency}
            onChange={(e) => {
              const el = e.currentTarget as HTMLInputElement;
              if (!el.checked) return setEmergency(false);
              // Stays off until confirmed in the dialog.
              el.checked = false;
              setAsking(true);
            }}
          />{' '}
          {t('alertsEmergency')}
        </label>
        <p class="hint">{t('alertsEmergencyHint')}</p>
        <label>
          <input
            type="checkbox"
            name="quietHours"
            checked={overrideQuiet || emergency}
            disabled={emergency}
            onChange={(e) => setOverrideQuiet((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {t('alertsOverrideQuiet')}
        </label>
        <p class="hint">{t('alertsQuietHint')}</p>
      </fieldset>

      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('sending') : t(emergency ? 'alertsSendEmergency' : kind === 'now' ? 'alertsSendNow' : 'alertsSchedule')}
      </button>
      {/* Below the button, so a message appearing never moves the button under the pointer. */}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorMessage error={error} />
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
      <EmergencyDialog
        open={asking}
        onAnswer={(yes) => {
          setAsking(false);
          if (yes) setEmergency(true);
        }}
      />
    </form>
  );
}
