import { api, query } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import type { SearchAnswer } from '../../../../server/contracts/views';
import { InquiryLine, NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';

/** What the search box found: citizens with their cases, a case by its number, and inquiries; each opens its own view. */
export function SearchPage({ q }: { q: string }) {
  const { t } = useI18n();
  const loaded = useLoad(() => api<SearchAnswer>('GET', `/api/search${query({ q })}`), [q]);
  if (loaded.loading || !loaded.data) return <NotLoaded loaded={loaded} />;
  const found = loaded.data;
  const nothing = !found.contacts.length && !found.cases.length && !found.inquiries.length;
  return (
    <section class="search-results" aria-labelledby="search-title">
      <h1 id="search-title">{t('searchResultsFor', { q: found.query })}</h1>
      {nothing && <p class="empty">{t('searchNothing')}</p>}
      {found.contacts.length > 0 && (
        <>
          <h2>{t('searchContacts')}</h2>
          <ul class="plain" data-testid="search-contacts">
            {found.contacts.map((c) => (
              <li key={c.id} data-contact-id={c.id}>
                <a href={href.contact(c.id)}>{c.name ?? `${t('contactTitle')} #${c.id}`}</a> <span class="muted">{[...c.phones, ...c.emails].join(', ')}</span>
                {c.cases.length > 0 && (
                  <span>
                    {' · '}
                    {c.cases.map((k) => (
                      <a key={k.caseNumber} href={href.case(k.caseNumber)} class="badge case">
                        {k.caseNumber}
                      </a>
                    ))}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {found.cases.length > 0 && (
        <>
          <h2>{t('cases')}</h2>
          <ul class="plain" data-testid="search-cases">
            {found.cases.map((k) => (
              <li key={k.caseNumber}>
                <a href={href.case(k.caseNumber)}>{k.caseNumber}</a> {k.title} <span class="badge">{k.status}</span> <span class="muted">{k.department}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {found.inquiries.length > 0 && (
        <>
          <h2>{t('recentInquiries')}</h2>
          <ul class="plain" data-testid="search-inquiries">
            {found.inquiries.map((i) => (
              <InquiryLine key={i.id} inquiry={i} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
