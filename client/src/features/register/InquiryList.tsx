import { api, query } from '../../shared/api';
import { formatTime, useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import type { InquiryView, Page } from '../../../../server/contracts/views';
import { ChannelBadge, ErrorMessage, Loading } from '../../shared/components';
import { useLoad } from '../../shared/use-load';

/** Inquiries of one contact or one case, every channel, newest first, each opening its timeline. */
export function InquiryList({ filter }: { filter: { contact?: number; case?: string } }) {
  const { t, locale } = useI18n();
  const loaded = useLoad(() => api<Page<InquiryView>>('GET', `/api/inquiries${query({ ...filter, limit: 50 })}`), [filter.contact, filter.case]);
  if (loaded.loading) return <Loading />;
  if (!loaded.data) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  if (loaded.data.items.length === 0) return <p class="muted">{t('noInquiries')}</p>;
  return (
    <ul class="plain">
      {loaded.data.items.map((i) => (
        <li key={i.id}>
          <a href={href.inquiry(i.id)}>
            <ChannelBadge channel={i.channel} /> {i.summary}
          </a>{' '}
          <span class={`badge st-${i.state}`}>{t(`st_${i.state}`)}</span>{' '}
          <time class="muted" dateTime={i.createdAt}>
            {formatTime(locale, i.createdAt)}
          </time>
        </li>
      ))}
    </ul>
  );
}
