import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n';
import type { Json, SmsSendView, SmsSeriesView } from '../../../../server/contracts/views';
import { Compose } from './Compose';
import { SendsList } from './SendsList';
import { SeriesList } from './SeriesList';

/** The officer's alert desk: compose an alert to residents, follow the sends and recurring sends, and the reports (`reports`, the server's). */
export function AlertsPage({ reports }: { reports?: ComponentChildren }) {
  const { t } = useI18n();
  const [added, setAdded] = useState<Json<SmsSendView>[]>([]);
  const [addedSeries, setAddedSeries] = useState<Json<SmsSeriesView>[]>([]);
  return (
    <section class="alerts-view" aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t('alertsTitle')}</h1>
      <div class="alerts-columns">
        <Compose onSent={(s) => setAdded((old) => [s, ...old])} onSeries={(s) => setAddedSeries((old) => [s, ...old])} />
        <div>
          <SendsList added={added} />
          <SeriesList added={addedSeries} />
          {reports}
        </div>
      </div>
    </section>
  );
}
