import { useEffect, useId, useState } from 'react';
import type {
  Alert,
  FlowQuality,
  KioskFleetStatus,
  LiveCall,
  QualitySample,
  QualityVerdict,
} from '@visio/shared/protocol';
import type { MessageKey, Translate } from '../../i18n/translate';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Sparkline } from '../../primitives/Sparkline';
import { useStore } from '../../session/Store';
import { useStaffSession } from '../../session/StaffSessionContext';
import { ActionDialog } from './ActionDialog';
import { TechConsole, type ConsoleAction } from './TechConsole';

type StatusFilter = 'all' | 'online' | 'offline';

/** The technician console: alerts first, then the fleet, live calls, history and server health. */
export function ConsolePage() {
  const t = useT();
  const session = useStaffSession();
  const [techConsole] = useState(
    () =>
      new TechConsole(session.signalling, {
        onAlertRaised: (alert, name) => session.announce(alertKey(alert), { name }),
        onAlertCleared: (alert, name) =>
          session.announce('console.alert.cleared', { text: t(alertKey(alert), { name }) }),
        onActionDone: (action, delivered) =>
          session.announce(delivered ? 'console.action.done' : 'console.action.notDelivered', {
            what: actionLabel(t, action),
          }),
      }),
  );
  const [action, setAction] = useState<ConsoleAction | null>(null);
  const loaded = useStore(techConsole.store, (s) => s.loaded);
  const failed = useStore(techConsole.store, (s) => s.failed);

  useEffect(() => {
    techConsole.attach();
    return () => techConsole.detach();
  }, [techConsole]);

  return (
    <section className="console" data-testid="console" aria-labelledby="console-title">
      <h2 id="console-title">{t('console.title')}</h2>
      <p className="hint">{t('console.noMedia')}</p>
      <nav aria-label={t('console.sections')}>
        <ul className="console__toc">
          <li>
            <a href="#console-alerts">{t('console.alerts.title')}</a>
          </li>
          <li>
            <a href="#console-fleet">{t('console.fleet.title')}</a>
          </li>
          <li>
            <a href="#console-calls">{t('console.calls.title')}</a>
          </li>
          <li>
            <a href="#console-history">{t('console.history.title')}</a>
          </li>
          <li>
            <a href="#console-health">{t('console.health.title')}</a>
          </li>
        </ul>
      </nav>
      {!loaded ? <p aria-busy="true">{t('console.loading')}</p> : null}
      {failed ? (
        <p className="alert" role="alert">
          {t('console.error')}
        </p>
      ) : null}
      <AlertsSection console={techConsole} />
      <FleetSection console={techConsole} onAction={setAction} />
      <LiveCallsSection console={techConsole} onAction={setAction} />
      <HistorySection console={techConsole} />
      <HealthSection console={techConsole} />
      {action ? (
        <ActionDialog console={techConsole} action={action} onClose={() => setAction(null)} />
      ) : null}
    </section>
  );
}

function alertKey(alert: Alert): MessageKey {
  return `console.alert.${alert.type}`;
}

function actionLabel(t: Translate, action: ConsoleAction): string {
  if (action.kind === 'end') return t('console.action.endFor', { name: action.name });
  if (action.kind === 'reload') return t('console.action.reloadFor', { name: action.name });
  return t(action.outOfService ? 'console.action.oosOnFor' : 'console.action.oosOffFor', {
    name: action.name,
  });
}

// ---- alerts ---------------------------------------------------------------------------

function AlertsSection({ console: c }: { readonly console: TechConsole }) {
  const t = useT();
  const format = useFormat();
  const alerts = useStore(c.store, (s) => s.alerts);
  const fleet = useStore(c.store, (s) => s.fleet);
  const nameOf = (id: string) => fleet.find((k) => k.kioskId === id)?.name ?? id;
  return (
    <section
      id="console-alerts"
      className={`console__section console__alerts${alerts.length > 0 ? ' console__alerts--active' : ''}`}
      data-testid="alerts"
      aria-labelledby="console-alerts-title"
      tabIndex={-1}
    >
      <h3 id="console-alerts-title">
        {t('console.alerts.title')} ({alerts.length})
      </h3>
      {alerts.length === 0 ? (
        <p>{t('console.alerts.none')}</p>
      ) : (
        <ul>
          {alerts.map((a) => (
            <li key={a.id} data-testid={`alert-${a.type}-${a.kioskId}`} className="console__alert">
              <span className="console__alert-mark" aria-hidden="true">
                !
              </span>{' '}
              <strong>{t(alertKey(a), { name: nameOf(a.kioskId) })}</strong>{' '}
              <span className="hint">
                {t('console.alert.since', { time: format.dateTime(a.raisedAt) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// ---- fleet ----------------------------------------------------------------------------

function deviceText(t: Translate, device: 'camera' | 'microphone', k: KioskFleetStatus): string {
  const state = k.heartbeat?.[device];
  const name = t(`console.device.${device}`);
  if (!state) return `${name}: ${t('console.fleet.unknown')}`;
  if (!state.present) return t('console.device.missing', { device: name });
  if (state.permission === 'denied') return t('console.device.denied', { device: name });
  if (state.permission === 'granted') return t('console.device.ok', { device: name });
  return t('console.device.prompt', { device: name });
}

function browserOf(userAgent: string): string {
  const match = /(Edg|Firefox|Chrome|Safari)\/(\d+)/.exec(userAgent);
  return match ? `${match[1] === 'Edg' ? 'Edge' : match[1]} ${match[2]}` : userAgent.slice(0, 40);
}

function FleetSection({
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
  const sites = [...new Map(fleet.map((k) => [k.siteId, k.siteName])).entries()].sort((a, b) =>
    a[1].localeCompare(b[1]),
  );
  const shown = fleet.filter(
    (k) => (!site || k.siteId === site) && (status === 'all' || k.status === status),
  );
  const none = t('console.fleet.unknown');
  return (
    <section
      id="console-fleet"
      className="console__section"
      data-testid="fleet"
      aria-labelledby={`${ids}-title`}
      tabIndex={-1}
    >
      <h3 id={`${ids}-title`}>{t('console.fleet.title')}</h3>
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
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={`${ids}-title`}>
        <table className="table console__table">
          <thead>
            <tr>
              <th scope="col">{t('console.fleet.col.kiosk')}</th>
              <th scope="col">{t('console.fleet.col.status')}</th>
              <th scope="col">{t('console.fleet.col.lastSeen')}</th>
              <th scope="col">{t('console.fleet.col.version')}</th>
              <th scope="col">{t('console.fleet.col.screen')}</th>
              <th scope="col">{t('console.fleet.col.devices')}</th>
              <th scope="col">{t('console.fleet.col.speaker')}</th>
              <th scope="col">{t('console.fleet.col.network')}</th>
              <th scope="col">{t('console.fleet.col.browser')}</th>
              <th scope="col">{t('console.fleet.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={10}>{t('console.fleet.empty')}</td>
              </tr>
            ) : null}
            {shown.map((k) => {
              const hb = k.heartbeat;
              return (
                <tr
                  key={k.kioskId}
                  data-testid={`fleet-row-${k.kioskId}`}
                  data-online={k.status === 'online'}
                  data-screen={hb?.screen ?? ''}
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
                  <td>{hb ? browserOf(hb.userAgent) : none}</td>
                  <td className="console__actions">
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
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// ---- live calls -----------------------------------------------------------------------

const DIRECTIONS = [
  { key: 'kioskToAdvisor', id: 'kiosk_to_advisor' },
  { key: 'advisorToKiosk', id: 'advisor_to_kiosk' },
] as const;
const KINDS = ['audio', 'video'] as const;

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${rest} s`;
}

function LiveCallsSection({
  console: c,
  onAction,
}: {
  readonly console: TechConsole;
  readonly onAction: (action: ConsoleAction) => void;
}) {
  const t = useT();
  const ids = useId();
  const calls = useStore(c.store, (s) => s.calls);
  const samples = useStore(c.store, (s) => s.samples);
  return (
    <section
      id="console-calls"
      className="console__section"
      data-testid="live-calls"
      aria-labelledby={`${ids}-title`}
      tabIndex={-1}
    >
      <h3 id={`${ids}-title`}>
        {t('console.calls.title')} ({calls.length})
      </h3>
      {calls.length === 0 ? <p>{t('console.calls.none')}</p> : null}
      {calls.map((call) => (
        <LiveCallCard
          key={call.callId}
          call={call}
          samples={samples[call.callId] ?? []}
          onAction={onAction}
        />
      ))}
    </section>
  );
}

function LiveCallCard({
  call,
  samples,
  onAction,
}: {
  readonly call: LiveCall;
  readonly samples: readonly QualitySample[];
  readonly onAction: (action: ConsoleAction) => void;
}) {
  const t = useT();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = (now - Date.parse(call.startedAt)) / 1000;
  const latest = call.latest;
  const verdict = latest?.verdict ?? null;
  const none = t('console.fleet.unknown');
  const name = `${call.kioskName} / ${call.advisorName}`;
  return (
    <article
      className={`live-call live-call--${verdict ?? 'none'}`}
      data-testid={`live-call-${call.callId}`}
      data-verdict={verdict ?? ''}
      aria-label={name}
    >
      <header className="live-call__head">
        <p>
          <strong>
            {t('console.calls.summary', {
              kiosk: call.kioskName,
              advisor: call.advisorName,
              service: call.serviceName ?? none,
              duration: duration(seconds),
            })}
          </strong>
          {call.siteName ? <span className="hint"> — {call.siteName}</span> : null}
        </p>
        <p>
          {t('console.calls.verdict', {
            verdict: t(verdict ? `console.verdict.${verdict}` : 'console.verdict.none'),
          })}
          {latest?.reasons.length ? ` (${latest.reasons.join(', ')})` : ''}
          {' · '}
          {t('console.calls.ice', {
            kiosk: latest?.ice.kiosk ?? none,
            advisor: latest?.ice.advisor ?? none,
          })}
          {call.setupSeconds !== null
            ? ` · ${t('console.calls.setup', { seconds: call.setupSeconds.toFixed(2) })}`
            : ''}
        </p>
        <Button
          variant="danger"
          testId={`action-end-${call.callId}`}
          aria-label={t('console.action.endFor', { name })}
          onClick={() => onAction({ kind: 'end', callId: call.callId, name })}
        >
          {t('console.action.end')}
        </Button>
      </header>
      <div className="table-scroll">
        <table className="table live-call__table">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">{t('console.calls.title')}</span>
              </th>
              <th scope="col">{t('console.metric.bitrate')}</th>
              <th scope="col">{t('console.metric.loss')}</th>
              <th scope="col">{t('console.metric.jitter')}</th>
              <th scope="col">{t('console.metric.rtt')}</th>
              <th scope="col">{t('console.metric.fps')}</th>
              <th scope="col">{t('console.metric.resolution')}</th>
              <th scope="col">{t('console.metric.freezes')}</th>
              <th scope="col">{t('console.metric.score')}</th>
            </tr>
          </thead>
          <tbody>
            {DIRECTIONS.flatMap((d) =>
              KINDS.map((kind) => {
                const flow = latest?.flows[d.key][kind] ?? null;
                const series = samples.map((s) => s.flows[d.key][kind]?.bitrateKbps ?? null);
                return (
                  <FlowRow
                    key={`${d.id}-${kind}`}
                    testId={`quality-${call.callId}-${d.id}-${kind}`}
                    label={`${t(`console.direction.${d.key}`)} · ${t(`console.kind.${kind}`)}`}
                    flow={flow}
                    series={series}
                  />
                );
              }),
            )}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function FlowRow({
  testId,
  label,
  flow,
  series,
}: {
  readonly testId: string;
  readonly label: string;
  readonly flow: FlowQuality | null;
  readonly series: readonly (number | null)[];
}) {
  const t = useT();
  const none = t('console.fleet.unknown');
  const num = (v: number | null | undefined, unit = '', digits = 0) =>
    v === null || v === undefined ? none : `${v.toFixed(digits)}${unit}`;
  const known = series.filter((v): v is number => v !== null);
  const summary =
    known.length === 0
      ? t('console.chart.empty')
      : t('console.chart', {
          count: known.length,
          min: Math.round(Math.min(...known)),
          max: Math.round(Math.max(...known)),
          last: Math.round(known[known.length - 1]!),
        });
  return (
    <tr
      data-testid={testId}
      data-bitrate={flow?.bitrateKbps ?? ''}
      data-loss={flow?.packetLossPercent ?? ''}
      data-jitter={flow?.jitterMs ?? ''}
      data-rtt={flow?.rttMs ?? ''}
      data-fps={flow?.framesPerSecond ?? ''}
      data-score={flow?.score ?? ''}
      data-freezes={flow?.freezes ?? ''}
    >
      <th scope="row">{label}</th>
      <td>
        {num(flow?.bitrateKbps, ' kbit/s')}
        <Sparkline values={series} summary={summary} />
      </td>
      <td>{num(flow?.packetLossPercent, ' %', 1)}</td>
      <td>{num(flow?.jitterMs, ' ms', 1)}</td>
      <td>{num(flow?.rttMs, ' ms')}</td>
      <td>{num(flow?.framesPerSecond)}</td>
      <td>
        {flow?.frameWidth && flow.frameHeight ? `${flow.frameWidth}×${flow.frameHeight}` : none}
      </td>
      <td>{flow ? flow.freezes : none}</td>
      <td>{num(flow?.score)}</td>
    </tr>
  );
}

// ---- history --------------------------------------------------------------------------

function HistorySection({ console: c }: { readonly console: TechConsole }) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const history = useStore(c.store, (s) => s.history);
  const quality = useStore(c.store, (s) => s.historyQuality);
  const none = t('console.fleet.unknown');
  return (
    <section
      id="console-history"
      className="console__section"
      data-testid="history"
      aria-labelledby={`${ids}-title`}
      tabIndex={-1}
    >
      <h3 id={`${ids}-title`}>{t('console.history.title')}</h3>
      <div className="console__filters">
        <label htmlFor={`${ids}-quality`}>{t('console.history.quality')}</label>
        <select
          id={`${ids}-quality`}
          data-testid="history-quality"
          value={quality ?? ''}
          onChange={(e) => c.setHistoryQuality((e.target.value || null) as QualityVerdict | null)}
        >
          <option value="">{t('console.history.any')}</option>
          <option value="good">{t('console.verdict.good')}</option>
          <option value="fair">{t('console.verdict.fair')}</option>
          <option value="poor">{t('console.verdict.poor')}</option>
        </select>
      </div>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={`${ids}-title`}>
        <table className="table console__table">
          <thead>
            <tr>
              <th scope="col">{t('console.history.col.started')}</th>
              <th scope="col">{t('console.history.col.kiosk')}</th>
              <th scope="col">{t('console.history.col.advisor')}</th>
              <th scope="col">{t('console.history.col.service')}</th>
              <th scope="col">{t('console.history.col.duration')}</th>
              <th scope="col">{t('console.history.col.end')}</th>
              <th scope="col">{t('console.history.col.quality')}</th>
            </tr>
          </thead>
          <tbody>
            {history.length === 0 ? (
              <tr>
                <td colSpan={7}>{t('console.history.none')}</td>
              </tr>
            ) : null}
            {history.map((h) => (
              <tr
                key={h.callId}
                data-testid={`history-${h.callId}`}
                data-verdict={h.quality?.verdict ?? ''}
              >
                <td>{format.dateTime(h.startedAt)}</td>
                <td>{h.kioskName ?? none}</td>
                <td>{h.advisorName ?? none}</td>
                <td>{h.serviceName ?? none}</td>
                <td>{h.durationSeconds === null ? none : duration(h.durationSeconds)}</td>
                <td>{h.endReason ?? none}</td>
                <td>
                  {t(
                    h.quality?.verdict
                      ? `console.verdict.${h.quality.verdict}`
                      : 'console.verdict.none',
                  )}
                  {h.quality?.reasons.length ? ` (${h.quality.reasons.join(', ')})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// ---- health ---------------------------------------------------------------------------

function HealthSection({ console: c }: { readonly console: TechConsole }) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const health = useStore(c.store, (s) => s.health);
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const pct = (v: number | null) => (v === null ? t('console.fleet.unknown') : `${v.toFixed(1)} %`);
  return (
    <section
      id="console-health"
      className="console__section"
      data-testid="health"
      aria-labelledby={`${ids}-title`}
      tabIndex={-1}
    >
      <h3 id={`${ids}-title`}>{t('console.health.title')}</h3>
      {!health ? (
        <p aria-busy="true">{t('console.loading')}</p>
      ) : (
        <>
          <p>
            {t('console.health.uptime', { duration: duration(health.uptimeSeconds) })} ·{' '}
            <time dateTime={health.at}>{format.time(health.at)}</time>
          </p>
          <p>
            {t('console.health.sockets', {
              sockets: health.sockets,
              calls: health.activeCalls,
              kiosks: health.kiosksOnline,
            })}
          </p>
          <p>
            {t('console.health.memory', {
              rss: mb(health.process.rssBytes),
              heap: mb(health.process.heapUsedBytes),
              heapTotal: mb(health.process.heapTotalBytes),
              cpu: pct(health.process.cpuPercent),
            })}
          </p>
          <p>
            {t('console.health.loop', {
              mean: health.eventLoop.meanMs.toFixed(1),
              p99: health.eventLoop.p99Ms.toFixed(1),
              max: health.eventLoop.maxMs.toFixed(1),
            })}
          </p>
          <p
            className={health.workerDeaths.total > 0 ? 'alert' : undefined}
            data-testid="worker-deaths"
          >
            {t('console.health.deaths', { count: health.workerDeaths.total })}
            {health.workerDeaths.recent
              .map((d) => ` · #${d.slot} pid ${d.pid} ${format.dateTime(d.at)}`)
              .join('')}
          </p>
          <div className="table-scroll">
            <table className="table console__table">
              <caption>{t('console.health.workers')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('console.health.col.slot')}</th>
                  <th scope="col">{t('console.health.col.pid')}</th>
                  <th scope="col">{t('console.health.col.cpu')}</th>
                  <th scope="col">{t('console.health.col.routers')}</th>
                  <th scope="col">{t('console.health.col.transports')}</th>
                  <th scope="col">{t('console.health.col.producers')}</th>
                  <th scope="col">{t('console.health.col.consumers')}</th>
                </tr>
              </thead>
              <tbody>
                {health.workers.map((w) => (
                  <tr key={w.slot} data-testid={`health-worker-${w.slot}`} data-pid={w.pid}>
                    <th scope="row">{w.slot}</th>
                    <td>{w.pid}</td>
                    <td>{pct(w.cpuPercent)}</td>
                    <td>{w.routers}</td>
                    <td>{w.transports}</td>
                    <td>{w.producers}</td>
                    <td>{w.consumers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
