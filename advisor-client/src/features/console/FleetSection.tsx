import { useCallback, useId, useState } from 'react';
import type { KioskFleetStatus } from '@visio/shared/protocol';
import type { Translate } from '../../i18n/translate';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DataTable } from '../../primitives/DataTable';
import { useStore } from '@visio/shared/ui';
import { KioskLinkHistory } from '../linkTest/KioskLinkHistory';
import { LinkGradeBadge } from '../linkTest/LinkGradeBadge';
import { NightlyResult } from '../nightlyTest/NightlyResult';
import { ConsoleSection } from './ConsoleSection';
import type { ConsoleAction, TechConsole } from './TechConsole';

type StatusFilter = 'all' | 'online' | 'offline';

function deviceText(t: Translate, device: 'camera' | 'microphone', k: KioskFleetStatus): string {
  const state = k.heartbeat?.[device];
  const name = t(`console.device.${device}`);
  if (!state) return t('console.device.unknown', { device: name });
  if (!state.present) return t('console.device.missing', { device: name });
  if (state.permission === 'denied') return t('console.device.denied', { device: name });
  if (state.permission === 'granted') return t('console.device.ok', { device: name });
  return t('console.device.prompt', { device: name });
}

function browserOf(userAgent: string): string {
  const match = /(Edg|Firefox|Chrome|Safari)\/(\d+)/.exec(userAgent);
  return match ? `${match[1] === 'Edg' ? 'Edge' : match[1]} ${match[2]}` : userAgent.slice(0, 40);
}

/** Every kiosk: online?, devices, network, software, with reload and out-of-service actions. */
export function FleetSection({
  console: c,
  onAction,
}: {
  readonly console: TechConsole;
  readonly onAction: (action: ConsoleAction) => void;
}) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const fleet = useStore(c.store, (s) => s.fleet);
  const [site, setSite] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [linkHistoryOf, setLinkHistoryOf] = useState<KioskFleetStatus | null>(null);
  const loadLinkHistory = useCallback(
    () => (linkHistoryOf ? c.linkTestHistory(linkHistoryOf.kioskId) : Promise.resolve([])),
    [c, linkHistoryOf],
  );
  const sites = [...new Map(fleet.map((k) => [k.siteId, k.siteName])).entries()].sort((a, b) =>
    a[1].localeCompare(b[1]),
  );
  const shown = fleet.filter(
    (k) => (!site || k.siteId === site) && (status === 'all' || k.status === status),
  );
  const none = t('console.fleet.unknown');
  return (
    <ConsoleSection
      id="console-fleet"
      testId="fleet"
      titleId={`${ids}-title`}
      title={t('console.fleet.title')}
    >
      <div className="console__filters">
        <label htmlFor={`${ids}-site`}>{t('console.fleet.site')}</label>
        <select
          id={`${ids}-site`}
          data-testid="fleet-filter-site"
          value={site}
          onChange={(e) => setSite(e.target.value)}
        >
          <option value="">{t('console.fleet.all')}</option>
          {sites.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
        <label htmlFor={`${ids}-status`}>{t('console.fleet.status')}</label>
        <select
          id={`${ids}-status`}
          data-testid="fleet-filter-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as StatusFilter)}
        >
          <option value="all">{t('console.fleet.all')}</option>
          <option value="online">{t('console.fleet.online')}</option>
          <option value="offline">{t('console.fleet.offline')}</option>
        </select>
      </div>
      <DataTable
        className="console__table"
        scroll={{ labelledBy: `${ids}-title` }}
        empty={shown.length === 0 ? t('console.fleet.empty') : null}
        columns={[
          t('console.fleet.col.kiosk'),
          t('console.fleet.col.status'),
          t('console.fleet.col.lastSeen'),
          t('console.fleet.col.version'),
          t('console.fleet.col.screen'),
          t('console.fleet.col.devices'),
          t('console.fleet.col.speaker'),
          t('console.fleet.col.network'),
          t('linkTest.col'),
          t('nightlyTest.col'),
          t('console.fleet.col.browser'),
          t('console.fleet.col.actions'),
        ]}
      >
        {shown.map((k) => {
          const hb = k.heartbeat;
          return (
            <tr
              key={k.kioskId}
              data-testid={`fleet-row-${k.kioskId}`}
              data-online={k.status === 'online'}
              data-screen={hb?.screen ?? ''}
              data-camera={hb ? (hb.camera.present ? 'present' : 'missing') : ''}
              data-microphone={hb ? (hb.microphone.present ? 'present' : 'missing') : ''}
            >
              <th scope="row">
                {k.name}
                <br />
                <span className="hint">{k.siteName}</span>
              </th>
              <td>
                <span className={`status-dot status-dot--${k.status}`} aria-hidden="true" />{' '}
                {t(`console.fleet.${k.status}`)}
                {k.inCall ? `, ${t('console.fleet.inCall')}` : ''}
                {k.outOfService ? `, ${t('console.fleet.outOfService')}` : ''}
              </td>
              <td>{k.lastSeenAt ? format.dateTime(k.lastSeenAt) : t('console.fleet.never')}</td>
              <td>{hb?.appVersion ?? none}</td>
              <td>{hb ? t(`console.screen.${hb.screen}`) : none}</td>
              <td>
                {deviceText(t, 'camera', k)}
                <br />
                {deviceText(t, 'microphone', k)}
              </td>
              <td>
                {hb
                  ? hb.speakerTestedAt
                    ? format.dateTime(hb.speakerTestedAt)
                    : t('console.fleet.never')
                  : none}
              </td>
              <td>
                {hb
                  ? `${hb.network.effectiveType ?? none}, ${hb.network.serverRttMs === null ? none : `${Math.round(hb.network.serverRttMs)} ms`}`
                  : none}
              </td>
              <td data-testid={`fleet-link-${k.kioskId}`}>
                {k.linkTest ? <LinkGradeBadge grade={k.linkTest.grade} /> : t('linkTest.none')}
                <br />
                <Button
                  variant="secondary"
                  testId={`action-link-history-${k.kioskId}`}
                  aria-label={t('linkTest.showFor', { name: k.name })}
                  onClick={() => setLinkHistoryOf(k)}
                >
                  {t('linkTest.show')}
                </Button>
              </td>
              <td data-testid={`fleet-nightly-${k.kioskId}`}>
                <NightlyResult view={k.nightlyTest} />
              </td>
              <td>{hb ? browserOf(hb.userAgent) : none}</td>
              <td>
                {/* A flex box inside the cell: a cell of its own that is one breaks the row. */}
                <div className="console__actions">
                  <Button
                    variant="secondary"
                    testId={`action-reload-${k.kioskId}`}
                    aria-label={t('console.action.reloadFor', { name: k.name })}
                    onClick={() => onAction({ kind: 'reload', kioskId: k.kioskId, name: k.name })}
                  >
                    {t('console.action.reload')}
                  </Button>
                  <Button
                    variant="secondary"
                    testId={`action-oos-${k.kioskId}`}
                    aria-label={t(
                      k.outOfService ? 'console.action.oosOffFor' : 'console.action.oosOnFor',
                      { name: k.name },
                    )}
                    onClick={() =>
                      onAction({
                        kind: 'oos',
                        kioskId: k.kioskId,
                        name: k.name,
                        outOfService: !k.outOfService,
                      })
                    }
                  >
                    {t(k.outOfService ? 'console.action.oosOff' : 'console.action.oosOn')}
                  </Button>
                  <Button
                    variant="secondary"
                    testId={`action-nightly-${k.kioskId}`}
                    aria-label={t('nightlyTest.runFor', { name: k.name })}
                    onClick={() => onAction({ kind: 'nightly', kioskId: k.kioskId, name: k.name })}
                  >
                    {t('nightlyTest.run')}
                  </Button>
                </div>
              </td>
            </tr>
          );
        })}
      </DataTable>
      {linkHistoryOf ? (
        <KioskLinkHistory
          kioskName={linkHistoryOf.name}
          load={loadLinkHistory}
          onClose={() => setLinkHistoryOf(null)}
        />
      ) : null}
    </ConsoleSection>
  );
}
