import { api } from '../../shared/api';
import { formatTime, useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import type { CaseView } from '../../../../server/contracts/views';
import { ErrorMessage, Loading } from '../../shared/components';
import { useLoad } from '../../shared/use-load';
import { InquiryList } from './InquiryList';

export function CasePage({ caseNumber }: { caseNumber: string }) {
  const { t, locale } = useI18n();
  const loaded = useLoad(() => api<CaseView>('GET', `/api/cases/${encodeURIComponent(caseNumber)}`), [caseNumber]);
  if (loaded.loading) return <Loading />;
  const k = loaded.data;
  if (!k) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  return (
    <section aria-labelledby="case-title">
      <a href={href.inbox()}>← {t('backToInbox')}</a>
      <h1 id="case-title">{t('caseTitle', { caseNumber: k.caseNumber })}</h1>
      <p class="lead">{k.title}</p>
      <dl class="facts">
        <div>
          <dt>{t('status')}</dt>
          <dd>
            <span class="badge">{k.status}</span> {k.statusSpoken && <span class="muted">{k.statusSpoken}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('department')}</dt>
          <dd>{k.department}</dd>
        </div>
        <div>
          <dt>{t('caseworker')}</dt>
          <dd>{k.caseworker?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('time')}</dt>
          <dd>{formatTime(locale, k.updatedAt)}</dd>
        </div>
      </dl>
      <h2>{t('contacts')}</h2>
      <ul class="plain">
        {k.contacts.map((c) => {
          // Register readers get each party's details; a bare reference (what the case system gets) shows its id.
          const d = 'phones' in c ? c : { name: null, phones: [] as string[], emails: [] as string[] };
          return (
            <li key={c.id}>
              <a href={href.contact(c.id)}>{d.name ?? d.phones[0] ?? d.emails[0] ?? `#${c.id}`}</a> {c.role && <span class="muted">({c.role})</span>}{' '}
              <span class="muted">{[...d.phones, ...d.emails].join(', ')}</span>
            </li>
          );
        })}
      </ul>
      <h2>{t('recentInquiries')}</h2>
      <InquiryList filter={{ case: k.caseNumber }} />
    </section>
  );
}
