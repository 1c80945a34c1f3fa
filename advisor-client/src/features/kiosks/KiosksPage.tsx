import { useEffect, useId, useState, type FormEvent } from 'react';
import type { KioskStatus, KioskSummary } from '@visio/shared/protocol';
import type { MessageKey } from '../../i18n/translate';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DataTable } from '../../primitives/DataTable';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import { Store, useStore } from '@visio/shared/ui';
import { useStaffSession, useStaffState } from '../../session/StaffSessionContext';
import { EnrolmentCodePanel } from './EnrolmentCodePanel';
import type { KioskDirectoryState } from './KioskDirectory';
import { KioskFleet } from './KioskFleet';

/** For hooks' sake when the page has no live presence (it always has, for its roles). */
const EMPTY_STORE = new Store<KioskDirectoryState>({ kiosks: [], loaded: false, error: null });

function connectionKey(status: KioskStatus | undefined): MessageKey {
  if (!status) return 'kiosks.status.unknown';
  if (!status.online) return 'kiosks.status.offline';
  return status.busy ? 'kiosks.status.busy' : 'kiosks.status.available';
}

/** Every kiosk at a glance (online, in a call, set up, in service) and what a technician does. */
export function KiosksPage() {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const session = useStaffSession();
  const roles = useStaffState((s) => s.principal?.roles);
  const [fleet] = useState(() => new KioskFleet(roles ?? []));
  const { kiosks, sites, loaded, busy, problem, issued } = useStore(fleet.store, (s) => s);
  const directory = session.kioskDirectory;
  const presence = useStore(directory?.store ?? EMPTY_STORE, (s) => s.kiosks);
  const [revoking, setRevoking] = useState<KioskSummary | null>(null);
  const [name, setName] = useState('');
  const [siteId, setSiteId] = useState('');
  const [formProblem, setFormProblem] = useState(false);

  useEffect(() => {
    void fleet.load();
  }, [fleet]);

  // A kiosk came online that is not known as set up (it was just enrolled): fetch its new state.
  const unknownOnline = !loaded
    ? ''
    : presence
        .filter((p) => p.online)
        .filter((p) => kiosks.find((k) => k.kioskId === p.kioskId)?.enrolmentState !== 'enrolled')
        .map((p) => p.kioskId)
        .join(',');
  useEffect(() => {
    if (unknownOnline) void fleet.load();
  }, [fleet, unknownOnline]);

  const statusOf = (id: string) => presence.find((p) => p.kioskId === id);
  const chosenSite = siteId || sites[0]?.id || '';

  const create = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || !chosenSite) {
      setFormProblem(true);
      return;
    }
    setFormProblem(false);
    void fleet.create(name.trim(), chosenSite).then(() => {
      if (!fleet.store.get().problem) setName('');
    });
  };

  return (
    <div className="kiosks-page">
      {issued ? <EnrolmentCodePanel issued={issued} onClose={() => fleet.closeIssued()} /> : null}
      {problem ? (
        <div className="alert" role="alert" data-testid="kiosks-error" data-code={problem.code}>
          <p>{t(problem.code === 'FORBIDDEN' ? 'errors.FORBIDDEN' : 'kiosks.error.generic')}</p>
          <Button variant="secondary" onClick={() => fleet.dismissProblem()}>
            {t('errors.dismiss')}
          </Button>
        </div>
      ) : null}
      <section className="panel" aria-labelledby={`${ids}-title`} data-testid="kiosks">
        <div className="panel__head">
          <h2 id={`${ids}-title`}>{t('kiosks.title')}</h2>
          <Button variant="secondary" onClick={() => void fleet.load()}>
            {t('kiosks.refresh')}
          </Button>
        </div>
        {!loaded ? (
          <p aria-busy="true">{t('kiosks.loading')}</p>
        ) : kiosks.length === 0 ? (
          <p>{t('kiosks.empty')}</p>
        ) : (
          <DataTable
            columns={[
              t('kiosks.column.name'),
              t('kiosks.column.site'),
              t('kiosks.column.connection'),
              t('kiosks.column.enrolment'),
              t('kiosks.column.service'),
              t('kiosks.column.actions'),
            ]}
          >
            {kiosks.map((kiosk) => {
              const status = statusOf(kiosk.kioskId);
              const key = connectionKey(status);
              return (
                <tr
                  key={kiosk.kioskId}
                  data-testid={`kiosk-row-${kiosk.kioskId}`}
                  data-online={status?.online ?? false}
                  data-busy={status?.busy ?? false}
                  data-enrolment={kiosk.enrolmentState}
                  data-out-of-service={kiosk.outOfService}
                >
                  <th scope="row">{kiosk.name}</th>
                  <td>{kiosk.siteName}</td>
                  <td>
                    <span className={`status status--${key.split('.').pop()}`}>{t(key)}</span>
                  </td>
                  <td>
                    {kiosk.enrolmentState === 'pending' && kiosk.enrolmentCodeExpiresAt
                      ? t('kiosks.enrolment.pendingUntil', {
                          date: format.dateTime(kiosk.enrolmentCodeExpiresAt),
                        })
                      : t(`kiosks.enrolment.${kiosk.enrolmentState}`)}
                  </td>
                  <td>
                    {/* The column's heading, "In service", is the switch's visible label: the
                        name starts with it and the state word stays outside the button, so what
                        is shown is what is spoken (a name "Out of service" on a button showing
                        "In service" failed axe's label-content-name-mismatch). */}
                    <span className="switch-field">
                      <button
                        type="button"
                        className="switch switch--small"
                        aria-pressed={!kiosk.outOfService}
                        aria-label={t('kiosks.inServiceToggle', { name: kiosk.name })}
                        data-testid={`out-of-service-${kiosk.kioskId}`}
                        disabled={busy !== null || kiosk.enrolmentState === 'revoked'}
                        onClick={() =>
                          void fleet.setOutOfService(kiosk.kioskId, !kiosk.outOfService)
                        }
                      >
                        <span className="switch__track" aria-hidden="true">
                          <span className="switch__thumb" />
                        </span>
                      </button>
                      <span className="switch__state">
                        {kiosk.outOfService ? t('kiosks.outOfService') : t('kiosks.inService')}
                      </span>
                    </span>
                  </td>
                  <td>
                    <div className="actions">
                      <Button
                        variant="secondary"
                        testId={`new-code-${kiosk.kioskId}`}
                        aria-label={t('kiosks.newCodeFor', { name: kiosk.name })}
                        disabled={busy !== null}
                        onClick={() => void fleet.newCode(kiosk.kioskId)}
                      >
                        {t('kiosks.newCode')}
                      </Button>
                      {kiosk.enrolmentState !== 'revoked' ? (
                        <Button
                          variant="danger"
                          testId={`revoke-${kiosk.kioskId}`}
                          aria-label={t('kiosks.revokeFor', { name: kiosk.name })}
                          disabled={busy !== null}
                          onClick={() => setRevoking(kiosk)}
                        >
                          {t('kiosks.revoke')}
                        </Button>
                      ) : null}
                    </div>
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </section>
      <section className="panel" aria-labelledby={`${ids}-create`}>
        <h2 id={`${ids}-create`}>{t('kiosks.create.title')}</h2>
        <form
          className="form form--inline"
          data-testid="kiosk-create-form"
          noValidate
          onSubmit={create}
        >
          <div className="form__row">
            <label htmlFor={`${ids}-name`}>{t('kiosks.create.name')}</label>
            <input
              id={`${ids}-name`}
              type="text"
              maxLength={100}
              autoComplete="off"
              data-testid="kiosk-create-name"
              aria-invalid={(formProblem && !name.trim()) || undefined}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="form__row">
            <label htmlFor={`${ids}-site`}>{t('kiosks.create.site')}</label>
            <select
              id={`${ids}-site`}
              data-testid="kiosk-create-site"
              value={chosenSite}
              onChange={(e) => setSiteId(e.target.value)}
            >
              {sites.length === 0 ? <option value="">{t('kiosks.create.noSite')}</option> : null}
              {sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" testId="kiosk-create-submit" disabled={busy !== null}>
            {t('kiosks.create.submit')}
          </Button>
          {formProblem ? (
            <p className="alert" role="alert">
              {t('kiosks.error.name')}
            </p>
          ) : null}
        </form>
      </section>
      {revoking ? (
        <ConfirmDialog
          title={t('kiosks.revoke.title', { name: revoking.name })}
          body={t('kiosks.revoke.body')}
          confirmLabel={t('kiosks.revoke.yes')}
          cancelLabel={t('kiosks.revoke.no')}
          busy={busy !== null}
          onCancel={() => setRevoking(null)}
          onConfirm={() => void fleet.revoke(revoking.kioskId).then(() => setRevoking(null))}
        />
      ) : null}
    </div>
  );
}
