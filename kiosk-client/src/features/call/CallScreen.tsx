import { useCallback, useState } from 'react';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import { DocumentsPanel } from '../documents/DocumentsPanel';
import { SignatureScreen } from '../signature/SignatureScreen';
import { ChatPanel } from './ChatPanel';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Icon } from '../../primitives/Icon';
import { VideoView } from '../../primitives/VideoView';
import { useDevices, useVisit } from '../../session/KioskSessionContext';
import type { DeviceHealth } from '../../visit/CitizenDevices';
import type { MessageKey } from '../../i18n/translate';
import {
  MicCameraToggles,
  micCameraLabels,
  useCallMedia,
  useCallSnapshot,
  usePartyCall,
  callStateKey,
  PeerAwayBanner,
  SelfView,
  SoundUnlock,
} from '@visio/shared/ui';

/** What the citizen is told while a device fails: the call goes on with what still works. */
function deviceSentence(camera: DeviceHealth, microphone: DeviceHealth): MessageKey {
  if (microphone === 'lost') return 'call.device.micLost';
  if (camera === 'lost') return 'call.device.cameraLost';
  return 'call.device.recovering';
}

/**
 * The call: the advisor life-size (and the interpreter beside them, as large, while one takes
 * part), the citizen's own picture small, big controls, and beside the picture the real-time text
 * and the documents.
 */
export function CallScreen() {
  const t = useT();
  const call = useVisit((s) => s.context.visit.call);
  const partyCall = useVisit((s) => s.context.visit.partyCall);
  const online = useVisit((s) => s.context.kiosk.online);
  const callSession = useCallMedia(partyCall);
  const localStream = useDevices((s) => s.stream);
  const camera = useDevices((s) => s.camera);
  const microphone = useDevices((s) => s.microphone);
  const snapshot = useCallSnapshot(callSession);
  const callState = usePartyCall(partyCall);
  const outputDeviceId = useVisit((s) => s.context.visit.outputDeviceId);
  const handover = useVisit((s) => s.context.visit.handover);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [volume, setVolume] = useState(80);
  const [confirmHangup, setConfirmHangup] = useState(false);
  const onAutoplayBlocked = useCallback(() => setSoundBlocked(true), []);

  const name = call?.peerName ?? '';
  const state = callState?.state ?? 'connecting';
  const peerAwaySince = callState?.peerAway?.since ?? null;
  const remoteStream = snapshot?.remoteStream ?? null;
  const remoteHasVideo = (remoteStream?.getVideoTracks().length ?? 0) > 0;
  const micMuted = snapshot?.localMuted.microphone ?? false;
  const cameraOff = snapshot?.localMuted.camera ?? false;
  const modes = callState?.mediaModes;
  const audioText = modes?.own === 'audio_text' || modes?.peer === 'audio_text';
  const interpreter = callState?.interpreter ?? null;
  const interpreterStream = interpreter
    ? (snapshot?.peerStreams.get(interpreter.interpreterId) ?? null)
    : null;
  const interpreterKind = interpreter
    ? t(`call.interpreter.${interpreter.kind}`, { language: interpreter.language ?? '' })
    : '';

  return (
    <main
      className="screen screen--call"
      data-testid="kiosk-screen-call"
      data-state={state}
      data-media-mode={audioText ? 'audio_text' : 'video'}
    >
      <h1 className="call-title">{t('call.title', { name })}</h1>
      <div className="stage">
        <div
          className={`stage__tiles${interpreter ? ' stage__tiles--two' : ''}`}
          data-testid="call-tiles"
        >
          <div className="stage__tile">
            <VideoView
              stream={remoteStream}
              label={t('call.remoteVideo', { name })}
              muted={soundBlocked}
              onAutoplayBlocked={onAutoplayBlocked}
              volume={volume / 100}
              sinkId={outputDeviceId}
              testId="remote-video"
            />
            {audioText ? (
              // Never a frozen picture: the advisor's video is paused too, and we say why.
              <p className="stage__overlay">{t('call.audioText.overlay')}</p>
            ) : !remoteHasVideo || snapshot?.remoteMuted.video ? (
              <p className="stage__overlay">
                {remoteHasVideo ? t('call.remoteCameraOff', { name }) : t('call.waitingVideo')}
              </p>
            ) : null}
            {interpreter ? <p className="stage__caption">{name}</p> : null}
          </div>
          {interpreter ? (
            <figure className="stage__tile stage__tile--interpreter">
              <VideoView
                stream={interpreterStream}
                label={t('call.interpreterVideo', { kind: interpreterKind })}
                muted={soundBlocked}
                onAutoplayBlocked={onAutoplayBlocked}
                volume={volume / 100}
                sinkId={outputDeviceId}
                testId="interpreter-video"
              />
              {(interpreterStream?.getVideoTracks().length ?? 0) === 0 ? (
                <p className="stage__overlay">{t('call.waitingVideo')}</p>
              ) : null}
              <figcaption className="stage__caption">
                {t('call.interpreter', { kind: interpreterKind })}
              </figcaption>
            </figure>
          ) : null}
        </div>
        <div className="stage__banners">
          {state !== 'connected' ? (
            <p className="banner" data-testid="call-state-banner">
              {t(callStateKey(callState))}
            </p>
          ) : null}
          {peerAwaySince !== null ? (
            <PeerAwayBanner
              since={peerAwaySince}
              words={(seconds) => t('call.peerAway', { seconds })}
            />
          ) : null}
          {!online ? <p className="banner">{t('call.signallingLost')}</p> : null}
          {handover ? (
            <p
              className="banner banner--info"
              data-testid="handover-notice"
              data-state={handover.state}
            >
              {handover.state === 'done'
                ? t('call.handover.done', {
                    name: handover.advisorName ?? '',
                    service: handover.serviceName,
                  })
                : t('call.handover.offered', { service: handover.serviceName })}
            </p>
          ) : null}
          {audioText ? (
            <p className="banner banner--info" data-testid="audio-text-notice">
              {t('call.audioText')}
            </p>
          ) : null}
          {camera !== 'ok' || microphone !== 'ok' ? (
            <p
              className="banner"
              data-testid="device-lost"
              data-camera={camera}
              data-microphone={microphone}
            >
              {t(deviceSentence(camera, microphone))}
            </p>
          ) : null}
          {snapshot?.remoteMuted.audio ? (
            <p className="banner banner--info">{t('call.remoteMicOff', { name })}</p>
          ) : null}
        </div>
        {soundBlocked ? (
          <SoundUnlock label={t('call.soundBlocked')} onClick={() => setSoundBlocked(false)} />
        ) : null}
        <SelfView
          className="self-view--call"
          stream={localStream}
          label={t('call.selfView')}
          offLabel={t('call.camera.off')}
          cameraOff={cameraOff}
        />
      </div>
      {partyCall ? (
        <div className="call-side">
          <ChatPanel desk={partyCall.desk} peerName={name} advisorSince={call?.advisorSince} />
          <DocumentsPanel desk={partyCall.desk} />
          <SignatureScreen signature={partyCall.signature} desk={partyCall.desk} />
        </div>
      ) : null}
      <div className="controls">
        <label className="volume">
          <span className="volume__label">
            <Icon name="speaker" /> {t('call.volume')}
          </span>
          <input
            type="range"
            min={0}
            max={100}
            step={10}
            value={volume}
            data-testid="call-volume"
            aria-valuetext={`${volume} %`}
            onChange={(event) => setVolume(Number(event.target.value))}
          />
        </label>
        <MicCameraToggles
          labels={micCameraLabels(t)}
          micMuted={micMuted}
          cameraOff={cameraOff}
          onMicMutedChange={(muted) => partyCall?.setMicrophoneMuted(muted)}
          onCameraOffChange={(off) => partyCall?.setCameraOff(off)}
          disabled={!callSession}
        />
        <Button
          variant="danger"
          testId="hangup"
          icon={<Icon name="hangup" />}
          onClick={() => setConfirmHangup(true)}
        >
          {t('call.hangup')}
        </Button>
      </div>
      {confirmHangup ? (
        <ConfirmDialog
          title={t('call.confirm.title')}
          body={t('call.confirm.body', { name })}
          confirmLabel={t('call.confirm.yes')}
          cancelLabel={t('call.confirm.no')}
          onCancel={() => setConfirmHangup(false)}
          onConfirm={() => partyCall?.hangup()}
        />
      ) : null}
    </main>
  );
}
