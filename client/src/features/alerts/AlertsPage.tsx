import { useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n';
import type { Json, SmsSendView } from '../../../../server/contracts/views';
import { Compose } from './Compose';
import { PeriodReport } from './PeriodReport';
import { SendsList } from './SendsList';

/** The officer's alert desk: compose an alert to residents, follow the sends, and report on them. */
export function AlertsPage() {
  const { t } = useI18n();
  const [added, setAdded] = useState<Json<SmsSendView>[]>([]);
  return (
    <section class="alerts-view" aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t('alertsTitle')}</h1>
      <div class="alerts-columns">
        <Compose onSent={(s) => setAdded((old) => [s, ...old])} />
        <div>
          <SendsList added={added} />
          <PeriodReport />
        </div>
      </div>
    </section>
  );
}
