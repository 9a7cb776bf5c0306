import type { SmsDayFigures } from '../../../../server/contracts/sms-reports';
import type { Json } from '../../../../server/contracts/views';

const W = 640;
const H = 180;
const PAD = 24;
const SERIES = ['sent', 'delivered', 'failed'] as const;
// The delivery view's colours for the same statuses (styles.css), so the two charts read alike.
const CLASS: Record<(typeof SERIES)[number], string> = { sent: 'ms-sent', delivered: 'ms-delivered', failed: 'ms-failed' };

/** Three bars per day (sent, delivered, failed), plain SVG; the numbers are in each bar's title and the label. */
export function DayBars({ days, labels, caption }: { days: Json<SmsDayFigures>[]; labels: Record<(typeof SERIES)[number], string>; caption: string }) {
  if (!days.length) return null;
  const max = Math.max(1, ...days.flatMap((d) => SERIES.map((k) => d[k])));
  const slot = (W - PAD) / days.length;
  const bar = Math.max(1, Math.min(14, (slot * 0.8) / SERIES.length));
  // With many days, every label would overlap: label about twelve of them.
  const every = Math.max(1, Math.ceil(days.length / 12));
  return (
    <figure class="chart">
      <figcaption>{caption}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H + 20}`}
        role="img"
        aria-label={days
          .filter((d) => d.sent || d.delivered || d.failed)
          .map((d) => `${d.date}: ${SERIES.map((k) => `${labels[k]} ${d[k]}`).join(', ')}`)
          .join('; ')}
      >
        {days.map((d, i) => {
          const x0 = PAD + i * slot + (slot - bar * SERIES.length) / 2;
          return (
            <g key={d.date}>
              {SERIES.map((k, j) => {
                const h = (d[k] / max) * (H - PAD);
                return h > 0 ? (
                  <rect key={k} class={`bar ${CLASS[k]}`} x={x0 + j * bar} y={H - h} width={bar} height={h}>
                    <title>{`${d.date} ${labels[k]}: ${d[k]}`}</title>
                  </rect>
                ) : null;
              })}
              {i % every === 0 ? (
                <text x={x0 + (bar * SERIES.length) / 2} y={H + 14} text-anchor="middle" class="axis">
                  {d.date.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
        <text x={2} y={PAD - 8} class="axis">
          {max}
        </text>
      </svg>
      <ul class="legend">
        {SERIES.map((k) => (
          <li key={k}>
            <span class={`swatch ${CLASS[k]}`} aria-hidden="true" /> {labels[k]}
          </li>
        ))}
      </ul>
    </figure>
  );
}
