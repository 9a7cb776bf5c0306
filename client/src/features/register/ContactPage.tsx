import { api } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import type { ContactView } from '../../../../server/contracts/views';
import { ErrorMessage, Loading } from '../../shared/components';
import { useLoad } from '../../shared/use-load';
import { InquiryList } from './InquiryList';

export function ContactPage({ id }: { id: number }) {
  const { t } = useI18n();
  const loaded = useLoad(() => api<ContactView>('GET', `/api/contacts/${id}`), [id]);
  if (loaded.loading) return <Loading />;
  const c = loaded.data;
  if (!c) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  const address = [c.address, [c.postalCode, c.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return (
    <section aria-labelledby="contact-title">
      <a href={href.inbox()}>← {t('backToInbox')}</a>
      <h1 id="contact-title">{c.name ?? `${t('contactTitle')} #${c.id}`}</h1>
      <dl class="facts">
        <div>
          <dt>{t('phones')}</dt>
          <dd>{c.phones.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>{t('emails')}</dt>
          <dd>{c.emails.join(', ') || '—'}</dd>
        </div>
        {address && (
          <div>
            <dt>{t('address')}</dt>
            <dd>{address}</dd>
          </div>
        )}
      </dl>
      <h2>{t('cases')}</h2>
      {c.cases.length === 0 ? (
        <p class="muted">{t('noCases')}</p>
      ) : (
        <ul class="plain">
          {c.cases.map((k) => (
            <li key={k.caseNumber}>
              <a href={href.case(k.caseNumber)}>{k.caseNumber}</a> {k.title} <span class="badge">{k.status}</span> <span class="muted">{k.department}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('recentInquiries')}</h2>
      <InquiryList filter={{ contact: c.id }} />
    </section>
  );
}
