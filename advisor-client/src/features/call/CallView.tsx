import { useCallback, useState } from 'react';
import type { PauseReason } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Icon } from '../../primitives/Icon';
import { ToggleButton } from '../../primitives/ToggleButton';
import { VideoView } from '../../primitives/VideoView';
import { useStaffSession, useStaffState } from '../../session/StaffSessionContext';
import type { AdvisorCall } from './AdvisorCall';
import type { TransferDesk } from '../transfer/TransferDesk';
import { CallHeader } from './CallHeader';
import { CallToggles } from './CallToggles';
import { ChatPanel } from './ChatPanel';
import { StageCorner } from './StageCorner';
import { InterpreterStage } from './InterpreterStage';
import { InvitePanel } from './InvitePanel';
import { PeerTile } from './PeerTile';
import { useInterpreterKind } from '../interpret/useInterpreterKind';
import { DocumentsPanel } from './DocumentsPanel';
import { NotesPanel } from './NotesPanel';
import { QualityIndicator } from './QualityIndicator';
import { SignaturePanel } from './SignaturePanel';
import { TransferDialog } from '../transfer/TransferDialog';
import { TransferPending } from '../transfer/TransferStatus';
import {
  useCallMedia,
  useCallSnapshot,
  usePartyCall,
  PeerAwayBanner,
  useStore,
} from '@visio/shared/ui';

/** A camera the citizen turned off is their choice; one whose device failed is not. */
const REMOTE_CAMERA_WORDS = {
  user: 'call.remoteCameraOff',
  device_lost: 'call.remoteCameraLost',
  device_missing: 'call.remoteCameraMissing',
} as const satisfies Record<PauseReason, string>;
const REMOTE_MIC_WORDS = {
  user: 'call.remoteMicOff',
  device_lost: 'call.remoteMicLost',
  device_missing: 'call.remoteMicMissing',
} as const satisfies Record<PauseReason, string>;

/**
 * The call: the citizen large (and the interpreter beside them, as large, while one takes part),
 * the advisor small, and the call controls. An interpreter sees their own stage.
 */
export function CallView() {
  const call = useStaffState((s) => s.call);
  const staffId = useStaffState((s) => s.principal?.staffId);
  if (!call) return null;
  const interpreting = staffId !== undefined && call.call.interpreter?.interpreterId === staffId;
  return interpreting ? <InterpreterStage call={call} /> : <CallStage call={call} />;
}

function CallStage({ call }: { readonly call: AdvisorCall }) {
  const t = useT();
  const session = useStaffSession();
  const callSession = useCallMedia(call.party);
  const desk = call.party.desk;
  const sharing = useStore(call.store, (s) => s.screenTrack !== null);
  const canShare = typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  const snapshot = useCallSnapshot(callSession);
  const callState = usePartyCall(call.party);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const onAutoplayBlocked = useCallback(() => setSoundBlocked(true), []);
  const transfers = session.transfers;

  const name = call.call.peerName;
  const state = callState?.state ?? 'connecting';
  const peerAwaySince = callState?.peerAway?.since ?? null;
  const remoteStream = snapshot?.remoteStream ?? null;
  const remoteHasVideo = (remoteStream?.getVideoTracks().length ?? 0) > 0;
  const cameraOff = snapshot?.localMuted.camera ?? false;
  const modes = callState?.mediaModes;
  const audioText = modes?.own === 'audio_text' || modes?.peer === 'audio_text';
  const interpreter = callState?.interpreter ?? null;
  const interpreterStream = interpreter
    ? (snapshot?.peerStreams.get(interpreter.interpreterId) ?? null)
    : null;
  const interpreterKind = useInterpreterKind();

  return (
    <section
      className="call"
      data-testid="advisor-call"
      data-state={state}
      data-media-mode={audioText ? 'audio_text' : 'video'}
      data-call-id={call.call.callId}
      aria-labelledby="call-heading"
    >
      <CallHeader title={t('call.title', { name })} callState={callState} />
      {peerAwaySince !== null ? (
        <PeerAwayBanner
          since={peerAwaySince}
          words={(seconds) => t('call.peerAway', { seconds })}
        />
      ) : null}
      {audioText ? (
        <p className="banner banner--info" data-testid="audio-text-notice">
          {t('call.audioText')}
        </p>
      ) : null}
      {transfers ? <TransferPending desk={transfers} /> : null}
      <QualityBar call={call} />
      <div className="call__body">
        <div className="call__media">
          <div className="stage">
            <div className={`stage__tiles${interpreter ? ' stage__tiles--two' : ''}`}>
              <div className="stage__tile">
                <VideoView
                  stream={remoteStream}
                  label={t('call.remoteVideo', { name })}
                  muted={soundBlocked}
                  onAutoplayBlocked={onAutoplayBlocked}
                  testId="remote-video"
                />
                {audioText ? (
                  // Never a frozen picture: the kiosk's video is paused, and we say why.
                  <p className="stage__overlay">{t('call.audioText.overlay')}</p>
                ) : !remoteHasVideo || snapshot?.remoteMuted.video ? (
                  <p
                    className="stage__overlay"
                    data-testid="remote-camera-state"
                    data-reason={remoteHasVideo ? (snapshot?.remoteMuted.videoReason ?? '') : ''}
                  >
                    {remoteHasVideo
                      ? t(REMOTE_CAMERA_WORDS[snapshot?.remoteMuted.videoReason ?? 'user'])
                      : t('call.waitingVideo')}
                  </p>
                ) : null}
                {interpreter ? <p className="stage__caption">{name}</p> : null}
              </div>
              {interpreter ? (
                <PeerTile
                  waitingText={t('interpreting.waitingVideo')}
                  stream={interpreterStream}
                  label={t('interpret.video', { kind: interpreterKind(interpreter) })}
                  caption={t('interpret.role', { kind: interpreterKind(interpreter) })}
                  testId="interpreter-video"
                  muted={soundBlocked}
                  onAutoplayBlocked={onAutoplayBlocked}
                />
              ) : null}
            </div>
            {snapshot?.remoteMuted.audio ? (
              <p
                className="stage__badge"
                data-testid="remote-mic-state"
                data-reason={snapshot.remoteMuted.audioReason ?? ''}
              >
                {t(REMOTE_MIC_WORDS[snapshot.remoteMuted.audioReason ?? 'user'])}
              </p>
            ) : null}
            <StageCorner
              cameraOff={cameraOff}
              soundBlocked={soundBlocked}
              onUnlockSound={() => setSoundBlocked(false)}
            />
          </div>
          <div className="controls" role="group" aria-label={t('call.controls')}>
            <CallToggles snapshot={snapshot} />
            {canShare ? (
              <ToggleButton
                testId="screen-share"
                label={t('call.screenShare')}
                pressedText={t('call.screenShare.on')}
                pressed={sharing}
                onPressedChange={() => void session.toggleScreenShare()}
                icon={<Icon name="screen" />}
                disabled={!callSession}
              />
            ) : null}
            {transfers ? <TransferButton desk={transfers} /> : null}
            <Button
              variant="danger"
              testId="hangup"
              icon={<Icon name="hangup" />}
              onClick={() => session.hangup()}
            >
              {t('call.hangup')}
            </Button>
          </div>
          {snapshot?.remoteScreen ? (
            <VideoView
              stream={snapshot.remoteScreen}
              label={t('call.remoteScreen')}
              muted
              testId="remote-screen"
              className="video--screen"
            />
          ) : null}
        </div>
        {transfers ? <TransferDialogHost desk={transfers} callId={call.call.callId} /> : null}
        <div className="call__side">
          <ChatPanel desk={desk} advisorSince={call.call.advisorSince} />
          <InvitePanel call={call} />
          <DocumentsPanel call={call} />
          <SignaturePanel call={call} />
          <NotesPanel call={call} />
        </div>
      </div>
    </section>
  );
}

function TransferButton({ desk }: { readonly desk: TransferDesk }) {
  const t = useT();
  const busy = useStore(desk.store, (s) => s.pending !== null || s.dialogOpen);
  return (
    <Button
      variant="secondary"
      testId="transfer-open"
      disabled={busy}
      onClick={() => desk.openDialog()}
    >
      {t('transfer.open')}
    </Button>
  );
}

function TransferDialogHost({
  desk,
  callId,
}: {
  readonly desk: TransferDesk;
  readonly callId: string;
}) {
  const open = useStore(desk.store, (s) => s.dialogOpen);
  return open ? <TransferDialog desk={desk} callId={callId} /> : null;
}

function QualityBar({ call }: { readonly call: AdvisorCall }) {
  const t = useT();
  const self = useStore(call.store, (s) => s.self);
  const citizen = useStore(call.store, (s) => s.citizen);
  return (
    <section className="quality-bar" aria-label={t('quality.title')}>
      <QualityIndicator
        label={t('quality.citizen')}
        quality={citizen}
        testId="network-quality-citizen"
      />
      <QualityIndicator label={t('quality.self')} quality={self} testId="network-quality-self" />
    </section>
  );
}
