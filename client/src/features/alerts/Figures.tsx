import { errorText, useI18n } from '../../shared/i18n';
import type { PreviewState } from './usePreview';

export const formatMoney = (locale: string, amount: number, currency: string) => {
  try {
    return new Intl.NumberFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', { style: 'currency', currency }).format(amount);
  } catch {
    // A currency code Intl does not know: the number and the code as they came.
    return `${amount} ${currency}`;
  }
};

/**
 * The live count, segments, encoding and estimated cost. One polite live region announces the
 * sentence when it settles; the panel keeps its height while counting, so nothing below it moves.
 */
export function Figures({ preview, hasText }: { preview: PreviewState; hasText: boolean }) {
  const { t, locale } = useI18n();
  const data = preview.state === 'ready' ? preview.data : preview.state === 'counting' ? preview.last : null;
  let sentence: string;
  if (preview.state === 'idle') sentence = t('alertsCountIdle');
  else if (preview.state === 'error') sentence = errorText(t, preview.error);
  else if (!data) sentence = t('alertsCounting');
  else sentence = t('alertsCount', { recipients: data.recipients });

  return (
    <section class="figures" aria-labelledby="figures-title" aria-busy={preview.state === 'counting'}>
      <h3 id="figures-title" class="visually-hidden">
        {t('alertsFigures')}
      </h3>
      <p class="count" aria-live="polite" aria-atomic="true" data-testid="recipient-count" data-recipients={data?.recipients ?? ''} data-state={preview.state}>
        {sentence}
      </p>
      <dl class="figure-list">
        <div>
          <dt>{t('alertsSegments')}</dt>
          <dd>{data && hasText ? data.segments : '–'}</dd>
        </div>
        <div>
          <dt>{t('alertsEncoding')}</dt>
          <dd>{data && hasText ? data.encoding : '–'}</dd>
        </div>
        <div>
          <dt>{t('alertsCost')}</dt>
          <dd>{data?.cost && hasText ? formatMoney(locale, data.cost.amount, data.cost.currency) : '–'}</dd>
        </div>
      </dl>
      <p class="hint" aria-hidden={preview.state !== 'counting'}>
        {preview.state === 'counting' ? t('alertsCounting') : ' '}
      </p>
    </section>
  );
}
