import { useI18n } from '../../shared/i18n';
import { progressOf, type Counts } from './progress';

const PARTS = ['delivered', 'sent', 'failed', 'stopped'] as const;

/**
 * One send's progress: delivered, sent (no report yet), failed and stopped as shares of its
 * recipients, drawn as SVG (the console's CSP allows no inline style). A fixed height, so a
 * growing bar never moves the rows around it.
 */
export function ProgressBar({ recipients, statuses, dispatched }: { recipients: number; statuses: Counts; dispatched?: number }) {
  const { t } = useI18n();
  const p = progressOf(recipients, statuses, dispatched);
  const text = t('alertsProgress', { done: p.done, recipients: p.recipients, delivered: p.delivered, sent: p.sent, failed: p.failed });
  let x = 0;
  return (
    <div class="progress">
      <svg
        class="progress-bar"
        viewBox="0 0 100 8"
        preserveAspectRatio="none"
        role="progressbar"
        aria-label={t('alertsProgressLabel')}
        aria-valuemin={0}
        aria-valuemax={Math.max(p.recipients, p.done)}
        aria-valuenow={p.done}
        aria-valuetext={text}
      >
        <rect class="track" x={0} y={0} width={100} height={8} />
        {PARTS.map((k) => {
          const w = p.share[k];
          const r = w > 0 ? <rect key={k} class={`part ms-${k}`} x={x} y={0} width={w} height={8} /> : null;
          x += w;
          return r;
        })}
      </svg>
      <span class="progress-text">{text}</span>
    </div>
  );
}
