import type { KioskStatus } from '@visio/shared/protocol';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '../../session/Store';
import { useStaffSession, useStaffState } from '../../session/StaffSessionContext';
import type { KioskDirectory } from './KioskDirectory';

function statusKey(kiosk: KioskStatus): MessageKey {
  if (!kiosk.online) return 'kiosks.status.offline';
  return kiosk.busy ? 'kiosks.status.busy' : 'kiosks.status.available';
}

/** Demo pairing: every kiosk, its status, and a button to call it when it is free. */
export function KioskList({ directory }: { readonly directory: KioskDirectory }) {
  const t = useT();
  const session = useStaffSession();
  const { kiosks, loaded } = useStore(directory.store, (s) => s);
  const startingKioskId = useStaffState((s) => s.startingKioskId);
  const online = useStaffState((s) => s.connection === 'online');

  return (
    <section className="panel" aria-labelledby="kiosks-heading">
      <h2 id="kiosks-heading">{t('kiosks.title')}</h2>
      <p className="muted">{t('kiosks.description')}</p>
      {!loaded ? (
        <p aria-busy="true">{t('kiosks.loading')}</p>
      ) : kiosks.length === 0 ? (
        <p>{t('kiosks.empty')}</p>
      ) : (
        <table className="kiosk-table">
          <thead>
            <tr>
              <th scope="col">{t('kiosks.column.name')}</th>
              <th scope="col">{t('kiosks.column.status')}</th>
              <th scope="col">{t('kiosks.column.action')}</th>
            </tr>
          </thead>
          <tbody>
            {kiosks.map((kiosk) => {
              const available = kiosk.online && !kiosk.busy;
              const starting = startingKioskId === kiosk.kioskId;
              return (
                <tr
                  key={kiosk.kioskId}
                  data-testid={`kiosk-row-${kiosk.kioskId}`}
                  data-online={kiosk.online}
                  data-busy={kiosk.busy}
                >
                  <th scope="row">{kiosk.name}</th>
                  <td>
                    <span className={`status status--${statusKey(kiosk).split('.').pop()}`}>
                      {t(statusKey(kiosk))}
                    </span>
                  </td>
                  <td>
                    <Button
                      testId={`start-call-${kiosk.kioskId}`}
                      aria-label={
                        starting ? undefined : t('kiosks.startCallWith', { name: kiosk.name })
                      }
                      disabled={!available || !online || startingKioskId !== null}
                      aria-busy={starting}
                      onClick={() => void session.startCall(kiosk.kioskId)}
                    >
                      {starting ? t('kiosks.starting') : t('kiosks.startCall')}
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
