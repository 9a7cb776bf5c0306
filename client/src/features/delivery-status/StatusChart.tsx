import { useI18n } from '../../shared/i18n';
import { MESSAGE_STATUSES } from '../../../../server/contracts/names';
import type { Json, SmsDayCounts } from '../../../../server/contracts/views';

const W = 640;
const H = 180;
const PAD = 24;

/**
 * Stacked bars of statuses per day, drawn as SVG (no chart library, no inline style), from the
 * server's count of every matching message per day in the municipality's time zone.
 */
export function StatusChart({ days }: { days: Json<SmsDayCounts>['days'] }) {
  const { t } = useI18n();
  const buckets = days.map((d) => ({ day: d.date, counts: d.counts as Record<string, number>, total: d.total }));
  if (buckets.length === 0) return null;
  const max = Math.max(...buckets.map((b) => b.total));
  const slot = (W - PAD) / buckets.length;
  const bar = Math.max(4, Math.min(40, slot * 0.7));
  const known = new Set<string>(MESSAGE_STATUSES);
  const present = [...new Set(buckets.flatMap((b) => Object.keys(b.counts)))];
  const order = [...MESSAGE_STATUSES.filter((s) => present.includes(s)), ...present.filter((s) => !known.has(s))];
  const label = (s: string) => (known.has(s) ? t(`ms_${s}` as never) : s);
  return (
    <figure class="chart">
      <figcaption>{t('chartTitle')}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H + 20}`}
        role="img"
        aria-label={buckets
          .map(
            (b) =>
              `${b.day}: ${order
                .filter((s) => b.counts[s])
                .map((s) => `${label(s)} ${b.counts[s]}`)
                .join(', ')}`,
          )
          .join('; ')}
      >
        {buckets.map((b, i) => {
          let y = H;
          const x = PAD + i * slot + (slot - bar) / 2;
          return (
            <g key={b.day}>
              {order.map((s) => {
                const n = b.counts[s] ?? 0;
                if (!n) return null;
                const h = (n / max) * (H - PAD);
                y -= h;
                return (
                  <rect key={s} class={`bar ms-${s}`} x={x} y={y} width={bar} height={h}>
                    <title>{`${b.day} ${label(s)}: ${n}`}</title>
                  </rect>
                );
              })}
              <text x={x + bar / 2} y={H + 14} text-anchor="middle" class="axis">
                {b.day.slice(5)}
              </text>
            </g>
          );
        })}
        <text x={2} y={PAD - 8} class="axis">
          {max}
        </text>
      </svg>
      <ul class="legend">
        {order.map((s) => (
          <li key={s}>
            <span class={`swatch ms-${s}`} aria-hidden="true" /> {label(s)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
