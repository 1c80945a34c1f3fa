import type { AppointmentStatus } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';

/** An appointment's status in words (the colour only repeats what the text says). */
export function StatusBadge({ status }: { readonly status: AppointmentStatus }) {
  const t = useT();
  return (
    <span className={`badge badge--${status}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}
