import { api, query } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import type { InquiryView, Page } from '../../../../server/contracts/views';
import { InquiryLine, NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';

/** Inquiries of one contact or one case, every channel, newest first, each opening its timeline. */
export function InquiryList({ filter }: { filter: { contact?: number; case?: string } }) {
  const { t } = useI18n();
  const loaded = useLoad(() => api<Page<InquiryView>>('GET', `/api/inquiries${query({ ...filter, limit: 50 })}`), [filter.contact, filter.case]);
  if (loaded.loading || !loaded.data) return <NotLoaded loaded={loaded} />;
  if (loaded.data.items.length === 0) return <p class="muted">{t('noInquiries')}</p>;
  return (
    <ul class="plain">
      {loaded.data.items.map((i) => (
        <InquiryLine key={i.id} inquiry={i}>
          <span class={`badge st-${i.state}`}>{t(`st_${i.state}`)}</span>
        </InquiryLine>
      ))}
    </ul>
  );
}
