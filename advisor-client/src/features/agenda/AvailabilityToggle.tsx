import { useT } from '../../i18n/useT';
import { useStore } from '@visio/shared/ui';
import { useStaffState } from '../../session/StaffSessionContext';
import type { Agenda } from './Agenda';

/** Available for calls, or away (own citizens then go to colleagues at once). */
export function AvailabilityToggle({ agenda }: { readonly agenda: Agenda }) {
  const t = useT();
  const availability = useStore(agenda.store, (s) => s.availability);
  const busy = useStore(agenda.store, (s) => s.settingAvailability);
  const online = useStaffState((s) => s.connection === 'online');
  const available = availability === 'available';

  return (
    <div className="availability">
      <button
        type="button"
        className={`switch switch--${availability}`}
        aria-pressed={available}
        data-testid="availability-toggle"
        data-availability={availability}
        disabled={busy || !online}
        onClick={() => void agenda.setAvailability(available ? 'away' : 'available')}
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__label">{t('availability.label')}</span>
        <span className="switch__state" aria-hidden="true">
          {available ? t('availability.available') : t('availability.away')}
        </span>
      </button>
      {!available ? <p className="muted availability__hint">{t('availability.awayHint')}</p> : null}
    </div>
  );
}
