import { useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n';
import type { Json, SmsSendView, SmsSeriesView } from '../../../../server/contracts/views';
import { SmsReports } from '../sms-reports/SmsReports';
import { Compose } from './Compose';
import { SendsList } from './SendsList';
import { SeriesList } from './SeriesList';

/** The officer's alert desk: compose an alert to residents, follow the sends and recurring sends, and the server's reports. */
export function AlertsPage() {
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
          <SmsReports />
        </div>
      </div>
    </section>
  );
}
