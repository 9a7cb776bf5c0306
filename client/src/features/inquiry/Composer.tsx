import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { errorText, useI18n } from '../../shared/i18n';
import { smsLength } from '../../shared/sms-length';
import type { InquiryView, Json, TimelineItemView } from '../../../../server/contracts/views';

function SmsCounter({ text }: { text: string }) {
  const { t } = useI18n();
  const n = smsLength(text);
  return (
    <p class="counter" id="sms-counter" aria-live="polite">
      {t('smsCounter', { characters: n.characters, segments: n.segments, encoding: n.encoding, remaining: n.remaining })}
      {n.nonGsm.length > 0 && <span class="warn"> · {t('smsNonGsm', { chars: n.nonGsm.join(' ') })}</span>}
    </p>
  );
}

/** A reply on the inquiry's own channel; the API's refusal (e.g. no sender yet) is shown as it is. */
export function ReplyForm({ inquiry, onSent }: { inquiry: Json<InquiryView>; onSent: (m: Json<TimelineItemView>) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      onSent(await api<TimelineItemView>('POST', `/api/inquiries/${inquiry.id}/messages`, { body: text }));
      setText('');
      setDone(true);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const channel = t(`ch_${inquiry.channel}`);
  return (
    <form class="composer reply" onSubmit={submit}>
      <label class="field">
        <span class="field-label">{t('replyOn', { channel })}</span>
        <textarea
          name="reply"
          rows={4}
          value={text}
          maxLength={10000}
          aria-describedby={inquiry.channel === 'sms' ? 'sms-counter' : undefined}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </label>
      {inquiry.channel === 'sms' && <SmsCounter text={text} />}
      {error && (
        <p class="error" role="alert" data-testid="reply-error">
          {error}
        </p>
      )}
      {done && (
        <p class="ok" role="status">
          {t('sentOk')}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy || !text.trim()}>
        {busy ? t('sending') : t('send')}
      </button>
    </form>
  );
}

export function NoteForm({ inquiryId, onAdded }: { inquiryId: number; onAdded: (m: Json<TimelineItemView>) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(await api<TimelineItemView>('POST', `/api/inquiries/${inquiryId}/notes`, { body: text }));
      setText('');
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="composer note-form" onSubmit={submit}>
      <label class="field">
        <span class="field-label">{t('noteLabel')}</span>
        <textarea name="note" rows={2} value={text} maxLength={10000} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || !text.trim()}>
        {t('addNote')}
      </button>
    </form>
  );
}
