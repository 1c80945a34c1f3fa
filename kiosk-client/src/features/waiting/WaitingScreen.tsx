import { useState } from 'react';
import type { WaitingStatus } from '@visio/shared/protocol';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import { formatClock, useNow } from '../../primitives/useNow';
import { VideoView } from '../../primitives/VideoView';
import { useDevices, useVisit, useVisitSend } from '../../session/KioskSessionContext';

function advisorSentence(waiting: WaitingStatus): MessageKey {
  return waiting.advisor ? `waiting.advisor.${waiting.advisor.status}` : 'waiting.walkIn';
}

/**
 * A calm place to wait: who will see the citizen and how things stand, how long they have
 * waited, their own picture (the devices are open so the call starts at once), and a way out.
 */
export function WaitingScreen() {
  const t = useT();
  const send = useVisitSend();
  const waiting = useVisit((s) => s.context.visit.waiting);
  const requeued = useVisit((s) => s.context.visit.requeued);
  const online = useVisit((s) => s.context.kiosk.online);
  const localStream = useDevices((s) => s.stream);
  const deviceProblem = useDevices((s) => s.problem);
  const cancelling = useVisit((s) => s.matches({ step: { waiting: { leaving: 'cancelling' } } }));
  const now = useNow();
  const [confirming, setConfirming] = useState(false);

  // Requeued after a call, the server's status of the waiting room follows the call's end.
  if (!waiting && !requeued) return null;
  const waited = waiting ? formatClock(now - Date.parse(waiting.checkedInAt)) : null;

  return (
    <main
      className="screen screen--waiting"
      data-testid="kiosk-screen-waiting"
      data-position={waiting?.position ?? ''}
      data-advisor-status={waiting?.advisor?.status ?? 'none'}
    >
      <div className="waiting__status">
        <h1>{t('waiting.title')}</h1>
        {requeued ? (
          <p className="notice" data-testid="waiting-requeued" data-reason={requeued}>
            {t(`waiting.requeued.${requeued}`)}
          </p>
        ) : null}
        {waiting ? (
          <>
            <p className="waiting__service" data-testid="waiting-service">
              {t('waiting.service', { service: waiting.serviceName })}
            </p>
            <p className="lead" data-testid="waiting-advisor">
              {t(advisorSentence(waiting), { name: waiting.advisor?.name ?? '' })}
            </p>
            {waiting.position !== null ? (
              <p className="waiting__position" data-testid="waiting-position">
                {t('waiting.position', { position: waiting.position })}
              </p>
            ) : null}
          </>
        ) : null}
        {waited !== null ? (
          <p className="waiting__timer">
            <span>{t('waiting.waited')}</span>
            <span className="waiting__clock" data-testid="waiting-time" aria-hidden="true">
              {waited}
            </span>
            <span className="visually-hidden">{t('waiting.waitedLabel', { time: waited })}</span>
          </p>
        ) : null}
        {!online ? (
          <p className="notice notice--warning" role="status">
            {t('waiting.offline')}
          </p>
        ) : null}
        {deviceProblem ? (
          <p className="notice notice--warning" role="alert">
            {t('waiting.deviceProblem')}
          </p>
        ) : null}
      </div>
      <figure className="self-view self-view--waiting">
        <VideoView stream={localStream} self label={t('waiting.selfView')} testId="self-video" />
        <figcaption className="self-view__caption">{t('waiting.selfViewHint')}</figcaption>
      </figure>
      <Button
        variant="secondary"
        className="waiting__cancel"
        testId="waiting-cancel"
        disabled={cancelling}
        onClick={() => setConfirming(true)}
      >
        {t('waiting.cancel')}
      </Button>
      {confirming ? (
        <ConfirmDialog
          title={t('waiting.confirm.title')}
          body={t('waiting.confirm.body')}
          confirmLabel={t('waiting.confirm.yes')}
          cancelLabel={t('waiting.confirm.no')}
          busy={cancelling}
          onCancel={() => setConfirming(false)}
          onConfirm={() => send({ type: 'waiting.cancel' })}
        />
      ) : null}
    </main>
  );
}
