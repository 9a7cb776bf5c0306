import { api } from '../../shared/api';
import { formatTime, useI18n } from '../../shared/i18n';
import { useLoad } from '../../shared/use-load';
import { firstOccurrence, toRrule, WEEKDAYS, type Recurrence, type Weekday } from './recurrence';
import type { When } from './request';

const DAY_KEYS = { MO: 'day_MO', TU: 'day_TU', WE: 'day_WE', TH: 'day_TH', FR: 'day_FR', SA: 'day_SA', SU: 'day_SU' } as const satisfies Record<
  Weekday,
  string
>;

export const DEFAULT_RULE: Recurrence = { freq: 'weekly', days: ['MO'], time: '07:00', until: '' };

/** Send now, at a time, or on a simple recurrence whose RRULE is shown as it will be sent. */
export function Schedule(props: {
  kind: When['kind'];
  onKind: (k: When['kind']) => void;
  at: string;
  onAt: (v: string) => void;
  rule: Recurrence;
  onRule: (r: Recurrence) => void;
  skipHolidays: boolean;
  onSkipHolidays: (v: boolean) => void;
}) {
  const { t, locale } = useI18n();
  const { rule, onRule } = props;
  const rrule = toRrule(rule);
  const first = firstOccurrence(rule, new Date());
  const input = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  return (
    <fieldset class="schedule">
      <legend>{t('alertsWhen')}</legend>
      <div class="choice-row">
        {(['now', 'at', 'recurring'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="when" value={k} checked={props.kind === k} onChange={() => props.onKind(k)} /> {t(`alertsWhen_${k}`)}
          </label>
        ))}
      </div>
      {props.kind === 'at' && (
        <label class="field">
          <span>{t('alertsSendAt')}</span>
          <input type="datetime-local" name="sendAt" value={props.at} onInput={(e) => props.onAt(input(e))} required />
        </label>
      )}
      {props.kind === 'recurring' && (
        <div class="recurrence">
          <div class="choice-row">
            <label>
              <input type="radio" name="freq" checked={rule.freq === 'daily'} onChange={() => onRule({ ...rule, freq: 'daily' })} /> {t('alertsDaily')}
            </label>
            <label>
              <input type="radio" name="freq" checked={rule.freq === 'weekly'} onChange={() => onRule({ ...rule, freq: 'weekly' })} /> {t('alertsWeekly')}
            </label>
          </div>
          {rule.freq === 'weekly' && (
            <fieldset class="days">
              <legend>{t('alertsOnDays')}</legend>
              {WEEKDAYS.map((d) => (
                <label key={d}>
                  <input
                    type="checkbox"
                    name="byday"
                    value={d}
                    checked={rule.days.includes(d)}
                    onChange={(e) => {
                      const on = (e.currentTarget as HTMLInputElement).checked;
                      onRule({ ...rule, days: on ? [...rule.days, d] : rule.days.filter((x) => x !== d) });
                    }}
                  />{' '}
                  {t(DAY_KEYS[d])}
                </label>
              ))}
            </fieldset>
          )}
          <label class="field">
            <span>{t('alertsAtTime')}</span>
            <input type="time" name="time" value={rule.time} onInput={(e) => onRule({ ...rule, time: input(e) })} required />
          </label>
          <label class="field">
            <span>{t('alertsUntil')}</span>
            <input type="date" name="until" value={rule.until ?? ''} onInput={(e) => onRule({ ...rule, until: input(e) })} />
          </label>
          <p class="hint">
            {rrule ? (
              <>
                {t('alertsRrule')} <code data-testid="rrule">{rrule}</code>
                {first && <> · {t('alertsFirstAt', { time: formatTime(locale, first.toISOString()) })}</>}
              </>
            ) : (
              t('alertsRruleIncomplete')
            )}
          </p>
          <p class="hint">{t('alertsTimeZoneHint')}</p>
          <label>
            <input
              type="checkbox"
              name="skipHolidays"
              checked={props.skipHolidays}
              onChange={(e) => props.onSkipHolidays((e.currentTarget as HTMLInputElement).checked)}
            />{' '}
            {t('alertsSkipHolidays')}
          </label>
          {props.skipHolidays && <Holidays />}
        </div>
      )}
    </fieldset>
  );
}

/** The days a series that skips holidays leaves out, the next few of them (the list is the administrator's). */
function Holidays() {
  const { t } = useI18n();
  const list = useLoad(() => api<{ items: { day: string; name: string | null }[] }>('GET', '/api/sms/holidays'), []);
  if (!list.data) return null;
  const today = new Date().toISOString().slice(0, 10);
  const ahead = list.data.items.filter((h) => h.day >= today).slice(0, 5);
  return (
    <p class="hint" data-testid="holidays">
      {ahead.length ? t('alertsHolidays', { days: ahead.map((h) => (h.name ? `${h.day} (${h.name})` : h.day)).join(', ') }) : t('alertsNoHolidays')}
    </p>
  );
}
