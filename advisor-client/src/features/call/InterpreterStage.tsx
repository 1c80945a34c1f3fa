import { useCallback, useState } from 'react';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Icon } from '../../primitives/Icon';
import { useStaffSession } from '../../session/StaffSessionContext';
import type { AdvisorCall } from './AdvisorCall';
import { CallHeader } from './CallHeader';
import { CallToggles } from './CallToggles';
import { ChatPanel } from './ChatPanel';
import { StageCorner } from './StageCorner';
import { PeerTile } from './PeerTile';
import { useCallMedia, useCallSnapshot, usePartyCall, PeerAwayBanner } from '@visio/shared/ui';

/**
 * The interpreter's call: the citizen and the advisor side by side, as large, their own picture
 * small, the real-time text, and "Leave" (the call goes on without them). No documents, no notes,
 * no names but the kiosk's.
 */
export function InterpreterStage({ call }: { readonly call: AdvisorCall }) {
  const t = useT();
  const session = useStaffSession();
  const callSession = useCallMedia(call.party);
  const snapshot = useCallSnapshot(callSession);
  const callState = usePartyCall(call.party);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const onAutoplayBlocked = useCallback(() => setSoundBlocked(true), []);

  const name = call.call.peerName;
  const state = callState?.state ?? 'connecting';
  const peerAway = callState?.peerAway ?? null;
  const advisorStream = snapshot?.peerStreams.get(call.call.advisorId) ?? null;
  const cameraOff = snapshot?.localMuted.camera ?? false;

  return (
    <section
      className="call call--interpreter"
      data-testid="interpreter-call"
      data-state={state}
      data-call-id={call.call.callId}
      aria-labelledby="call-heading"
    >
      <CallHeader title={t('interpreting.title', { name })} callState={callState} />
      {peerAway ? (
        <PeerAwayBanner
          since={peerAway.since}
          words={(seconds) =>
            t(peerAway.party === 'kiosk' ? 'call.peerAway' : 'interpreting.advisorAway', {
              seconds,
            })
          }
        />
      ) : null}
      <div className="call__body">
        <div className="call__media">
          <div className="stage">
            <div className="stage__tiles stage__tiles--two">
              <PeerTile
                waitingText={t('interpreting.waitingVideo')}
                stream={snapshot?.remoteStream ?? null}
                label={t('interpreting.kiosk', { name })}
                caption={t('interpreting.kioskCaption')}
                testId="remote-video"
                muted={soundBlocked}
                onAutoplayBlocked={onAutoplayBlocked}
              />
              <PeerTile
                waitingText={t('interpreting.waitingVideo')}
                stream={advisorStream}
                label={t('interpreting.advisor')}
                caption={t('interpreting.advisorCaption')}
                testId="advisor-video"
                muted={soundBlocked}
                onAutoplayBlocked={onAutoplayBlocked}
              />
            </div>
            <StageCorner
              cameraOff={cameraOff}
              soundBlocked={soundBlocked}
              onUnlockSound={() => setSoundBlocked(false)}
            />
          </div>
          <div className="controls" role="group" aria-label={t('call.controls')}>
            <CallToggles snapshot={snapshot} />
            <Button
              variant="danger"
              testId="leave-call"
              icon={<Icon name="hangup" />}
              onClick={() => session.hangup()}
            >
              {t('interpreting.leave')}
            </Button>
          </div>
        </div>
        <div className="call__side">
          <ChatPanel desk={call.party.desk} self="interpreter" />
        </div>
      </div>
    </section>
  );
}
