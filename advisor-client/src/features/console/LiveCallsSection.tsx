import { useEffect, useId, useState } from 'react';
import { interpreterRole } from './interpreterRole';
import type { FlowQuality, LiveCall, QualitySample } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DataTable } from '../../primitives/DataTable';
import { Sparkline } from '../../primitives/Sparkline';
import { useStore } from '@visio/shared/ui';
import { CallMediaStatus } from './CallMediaStatus';
import { formatDuration } from './duration';
import { ConsoleSection } from './ConsoleSection';
import type { ConsoleAction, TechConsole } from './TechConsole';

const DIRECTIONS = [
  { key: 'kioskToAdvisor', id: 'kiosk_to_advisor' },
  { key: 'advisorToKiosk', id: 'advisor_to_kiosk' },
] as const;
const KINDS = ['audio', 'video'] as const;

/** The calls under way, each with its quality figures per direction and kind (never media). */
export function LiveCallsSection({
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
    <ConsoleSection
      id="console-calls"
      testId="live-calls"
      titleId={`${ids}-title`}
      title={`${t('console.calls.title')} (${calls.length})`}
    >
      {calls.length === 0 ? <p>{t('console.calls.none')}</p> : null}
      {calls.map((call) => (
        <LiveCallCard
          key={call.callId}
          call={call}
          samples={samples[call.callId] ?? []}
          onAction={onAction}
        />
      ))}
    </ConsoleSection>
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
  const weakLines = (['kiosk', 'advisor'] as const).filter(
    (party) => call.mediaModes[party] === 'audio_text',
  );
  return (
    <article
      className={`live-call live-call--${verdict ?? 'none'}`}
      data-testid={`live-call-${call.callId}`}
      data-verdict={verdict ?? ''}
      data-media-mode={weakLines.length > 0 ? 'audio_text' : 'video'}
      aria-label={name}
    >
      <header className="live-call__head">
        <p>
          <strong>
            {t('console.calls.summary', {
              kiosk: call.kioskName,
              advisor: call.advisorName,
              service: call.serviceName ?? none,
              duration: formatDuration(seconds),
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
          {call.interpreter ? ` · ${interpreterRole(t, call.interpreter)}` : ''}
          {weakLines.length > 0
            ? ` · ${t('console.calls.audioText', {
                party: weakLines.map((party) => t(`console.party.${party}`)).join(', '),
              })}`
            : ''}
        </p>
        <CallMediaStatus callId={call.callId} media={call.media} now={now} />
        <Button
          variant="danger"
          testId={`action-end-${call.callId}`}
          aria-label={t('console.action.endFor', { name })}
          onClick={() => onAction({ kind: 'end', callId: call.callId, name })}
        >
          {t('console.action.end')}
        </Button>
      </header>
      <DataTable
        className="live-call__table"
        scroll="plain"
        columns={[
          <span className="visually-hidden">{t('console.calls.title')}</span>,
          t('console.metric.bitrate'),
          t('console.metric.loss'),
          t('console.metric.jitter'),
          t('console.metric.rtt'),
          t('console.metric.fps'),
          t('console.metric.resolution'),
          t('console.metric.freezes'),
          t('console.metric.score'),
        ]}
      >
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
      </DataTable>
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
