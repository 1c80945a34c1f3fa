import type { LiveCallMedia } from '@visio/shared/protocol';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { formatDuration } from './duration';

/**
 * Where a live call's media stands, in plain words with the time since each change: flowing,
 * reconnecting, moving to another media server, a party away, a camera or microphone lost, and
 * the interruptions so far. Not a live region: it changes every second, and the console page
 * announces only the transitions (TechConsole's onCallMediaChanged).
 */
export function CallMediaStatus({
  callId,
  media,
  now,
}: {
  readonly callId: string;
  readonly media: LiveCallMedia;
  /** The clock of the card, ticking every second. */
  readonly now: number;
}) {
  const t = useT();
  const format = useFormat();
  const since = (iso: string) => formatDuration((now - Date.parse(iso)) / 1000);
  const role = (r: 'kiosk' | 'advisor') => t(`console.media.role.${r}`);
  return (
    <div
      className={`call-media call-media--${media.state}`}
      data-testid={`call-media-${callId}`}
      data-state={media.state}
      data-cause={media.cause ?? ''}
      data-epoch={media.epoch}
      data-incidents={media.incidents}
      data-away={media.away.map((a) => a.role).join(' ')}
      data-devices={media.devices.map((d) => `${d.role}.${d.source}.${d.state}`).join(' ')}
    >
      <p>
        <strong>
          {t(`console.media.state.${media.state}`, {
            duration: since(media.since),
            cause: media.cause ? t(`console.media.cause.${media.cause}`) : '',
          })}
        </strong>
        {media.incidents > 0
          ? ` · ${t('console.media.incidents', { count: media.incidents })}`
          : ''}
      </p>
      {media.away.length + media.devices.length > 0 ? (
        <ul className="call-media__troubles">
          {media.away.map((a) => (
            <li key={`away-${a.role}`}>
              {t('console.media.away', {
                role: role(a.role),
                duration: since(a.since),
                until: format.time(a.graceEndsAt),
              })}
            </li>
          ))}
          {media.devices.map((d) => (
            <li key={`device-${d.role}-${d.source}`}>
              {t(`console.media.device.${d.state}`, {
                role: role(d.role),
                device: t(`console.device.${d.source}`),
                duration: since(d.since),
              })}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
