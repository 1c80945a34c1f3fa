import type { NightlyReason, NightlyTestView } from '@visio/shared/protocol';
import type { Translate } from '../../i18n/translate';
import { useFormat, type Format } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';

/** One reason a nightly result is worse than usual, as a sentence ("UDP blocked since…"). */
export function reasonText(t: Translate, format: Format, reason: NightlyReason): string {
  const path = t(`linkTest.path.${reason.path}`);
  switch (reason.code) {
    case 'path_blocked':
      return t('nightlyTest.reason.path_blocked', { path, since: format.dateTime(reason.since) });
    case 'loss':
      return t('nightlyTest.reason.loss', { path, points: reason.points });
    case 'bitrate':
      return t('nightlyTest.reason.bitrate', { path, percent: Math.round(reason.share * 100) });
    default:
      return t(`nightlyTest.reason.${reason.code}`, { path, factor: reason.factor });
  }
}

/** The reasons of a `nightly_degraded` alert, one per line. */
export function NightlyReasons({ reasons }: { readonly reasons: readonly NightlyReason[] }) {
  const t = useT();
  const format = useFormat();
  return (
    <ul className="hint" data-testid="nightly-reasons">
      {reasons.map((r) => (
        <li key={`${r.code}-${r.path}`}>{reasonText(t, format, r)}</li>
      ))}
    </ul>
  );
}

/** A kiosk's last nightly result, per path, against its site's usual figures. */
export function NightlyResult({ view }: { readonly view: NightlyTestView | null | undefined }) {
  const t = useT();
  const format = useFormat();
  if (!view) return <>{t('nightlyTest.none')}</>;
  const unknown = t('nightlyTest.unknown');
  const n = (value: number | null) => (value === null ? unknown : String(Math.round(value)));
  return (
    <div className="nightly-result" data-testid="nightly-result" data-reasons={view.reasons.length}>
      {format.dateTime(view.result.at)}
      <ul className="hint">
        {view.result.paths.map((p) => {
          const path = t(`linkTest.path.${p.path}`);
          const usual = view.baseline.paths.find((b) => b.path === p.path);
          return (
            <li key={p.path} data-path={p.path} data-reached={p.reached}>
              {p.reached
                ? t('nightlyTest.path', {
                    path,
                    ttff: n(p.timeToFirstFrameMs),
                    rtt: n(p.rttMs),
                    loss: p.lossPct === null ? unknown : String(p.lossPct),
                  })
                : t('nightlyTest.pathBlocked', { path })}
              {/* The site's usual round trip, once there is one to compare with. */}
              {p.reached && typeof usual?.rttMs === 'number'
                ? ` ${t('nightlyTest.usualRtt', { usualRtt: n(usual.rttMs) })}`
                : null}
            </li>
          );
        })}
      </ul>
      {view.reasons.length === 0 ? (
        <span className="hint">{t('nightlyTest.asUsual')}</span>
      ) : (
        <NightlyReasons reasons={view.reasons} />
      )}
    </div>
  );
}
