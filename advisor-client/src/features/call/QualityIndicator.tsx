import { useT } from '../../i18n/useT';
import type { SideQuality } from './NetworkQuality';

const BARS = { good: 3, fair: 2, poor: 1, unknown: 0 } as const;

/** Signal bars (decorative) beside the verdict in words; the figures open below on demand. */
export function QualityIndicator({
  label,
  quality,
  testId,
}: {
  readonly label: string;
  readonly quality: SideQuality;
  readonly testId: string;
}) {
  const t = useT();
  const none = t('quality.none');
  const bars = BARS[quality.level];
  return (
    <details
      className={`quality quality--${quality.level}`}
      data-testid={testId}
      data-level={quality.level}
    >
      <summary>
        <svg viewBox="0 0 18 14" width="18" height="14" aria-hidden="true" focusable="false">
          {[0, 1, 2].map((i) => (
            <rect
              key={i}
              x={i * 6}
              y={10 - i * 5}
              width="4"
              height={4 + i * 5}
              rx="1"
              className={i < bars ? 'quality__bar quality__bar--on' : 'quality__bar'}
            />
          ))}
        </svg>
        <span>
          {label} : <strong>{t(`quality.${quality.level}`)}</strong>
        </span>
      </summary>
      <dl className="quality__figures">
        <dt>{t('quality.bitrate')}</dt>
        <dd data-field="bitrate">
          {quality.bitrateKbps === null ? none : `${quality.bitrateKbps} kbit/s`}
        </dd>
        <dt>{t('quality.loss')}</dt>
        <dd data-field="loss">
          {quality.lossPercent === null ? none : `${quality.lossPercent} %`}
        </dd>
        <dt>{t('quality.rtt')}</dt>
        <dd data-field="rtt">
          {quality.rttMs === null ? none : `${Math.round(quality.rttMs)} ms`}
        </dd>
        <dt>{t('quality.jitter')}</dt>
        <dd data-field="jitter">{quality.jitterMs === null ? none : `${quality.jitterMs} ms`}</dd>
      </dl>
    </details>
  );
}
