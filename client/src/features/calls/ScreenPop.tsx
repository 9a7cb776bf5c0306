import { useState } from 'preact/hooks';
import type { ScreenPop as Pop } from '../../../../server/contracts/socket-events';
import { api } from '../../shared/api';
import { endpoints } from '../../shared/config';
import { errorText, useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import type { DepartmentView } from '../../../../server/contracts/views';
import { InquiryLine } from '../../shared/components';

/** Who is calling: the contact, every case with its status, recent inquiries on every channel. */
export function ScreenPop({ pop, departments, onDismiss }: { pop: Pop; departments: DepartmentView[]; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <section class="pop" aria-label={t('screenPop')} data-call-sid={pop.callSid}>
      <header>
        <h3>
          {t('screenPop')}: {pop.contact ? <a href={href.contact(pop.contact.id)}>{pop.contact.name ?? pop.from}</a> : pop.from}
        </h3>
        <button type="button" class="link" onClick={onDismiss}>
          {t('dismiss')}
        </button>
      </header>
      {pop.contact && <p class="muted">{pop.from}</p>}
      {pop.transfer && (
        <div class="transfer-note" role="note">
          <strong>{t('transferredBy', { name: pop.transfer.from.name ?? `#${pop.transfer.from.id}` })}</strong>
          <p class="body">{pop.transfer.note}</p>
        </div>
      )}
      <h4>{t('cases')}</h4>
      {pop.cases.length === 0 ? (
        <p class="muted">{t('noCases')}</p>
      ) : (
        <ul class="plain">
          {pop.cases.map((c) => (
            <li key={c.caseNumber}>
              <a href={href.case(c.caseNumber)}>{c.caseNumber}</a> {c.title} <span class="badge">{c.status}</span> <span class="muted">{c.department}</span>
            </li>
          ))}
        </ul>
      )}
      <h4>{t('recentInquiries')}</h4>
      {pop.inquiries.length === 0 ? (
        <p class="muted">{t('noInquiries')}</p>
      ) : (
        <ul class="plain">
          {pop.inquiries.map((i) => (
            <InquiryLine key={i.id} inquiry={i} />
          ))}
        </ul>
      )}
      <TransferForm callSid={pop.callSid} departments={departments} />
    </section>
  );
}

function TransferForm({ callSid, departments }: { callSid: string; departments: DepartmentView[] }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const toUserEmail = String(f.get('toUserEmail') ?? '').trim();
    const toDepartment = String(f.get('toDepartment') ?? '');
    const note = String(f.get('note') ?? '').trim();
    if (!toUserEmail && !toDepartment) return setMessage({ ok: false, text: t('transferNeedTarget') });
    setBusy(true);
    setMessage(null);
    try {
      await api('POST', endpoints.transfer(callSid), { ...(toUserEmail ? { toUserEmail } : { toDepartment }), note });
      setMessage({ ok: true, text: t('transferDone') });
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="transfer" onSubmit={submit}>
      <h4>{t('transfer')}</h4>
      <label class="field">
        <span class="field-label">{t('transferTo')}</span>
        <input name="toUserEmail" type="email" autocomplete="off" />
      </label>
      <label class="field">
        <span class="field-label">{t('transferDept')}</span>
        <select name="toDepartment">
          <option value="">—</option>
          {departments.map((d) => (
            <option value={d.code} key={d.code}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="field-label">{t('transferNote')}</span>
        <textarea name="note" rows={2} maxLength={2000} />
      </label>
      {message && (
        <p class={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('transferSend')}
      </button>
    </form>
  );
}
