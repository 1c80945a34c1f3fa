import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Icon } from '../../primitives/Icon';
import { VideoView } from '../../primitives/VideoView';
import {
  useDevices,
  useKioskSession,
  useVisit,
  useVisitSend,
} from '../../session/KioskSessionContext';
import { LinkCheck } from './LinkCheck';
import { listAudioOutputs, playSpeakerTone, type AudioOutput } from './speakerTone';
import { useMicLevel } from './useMicLevel';

type SpeakerTest = 'idle' | 'playing' | 'asked' | 'heard' | 'not-heard';

/**
 * Before the waiting room: the citizen sees themselves, watches the microphone bar move, hears a
 * test chime and picks the loudspeaker or the handset. The devices opened here serve the call.
 */
export function DeviceCheckScreen() {
  const t = useT();
  const session = useKioskSession();
  const send = useVisitSend();
  const localStream = useDevices((s) => s.stream);
  const deviceProblem = useDevices((s) => s.problem);
  const outputDeviceId = useVisit((s) => s.context.visit.outputDeviceId);
  const level = useMicLevel(localStream);
  const [speaker, setSpeaker] = useState<SpeakerTest>('idle');
  const [outputs, setOutputs] = useState<AudioOutput[]>([]);

  useEffect(() => {
    let live = true;
    void listAudioOutputs().then((list) => live && setOutputs(list));
    return () => {
      live = false;
    };
  }, [localStream]);

  const selected = outputDeviceId ?? outputs[0]?.deviceId ?? 'default';
  const testSpeaker = () => {
    setSpeaker('playing');
    session.connection.speakerTested();
    void playSpeakerTone(outputDeviceId)
      .catch(() => undefined)
      .then(() => setSpeaker('asked'));
  };
  const percent = Math.round(level * 100);

  return (
    <main className="screen screen--device-check" data-testid="kiosk-screen-device-check">
      <div className="device-check__intro">
        <h1>{t('deviceCheck.title')}</h1>
        <p className="lead">{t('deviceCheck.lead')}</p>
      </div>
      <figure className="self-view self-view--check">
        <VideoView stream={localStream} self label={t('deviceCheck.camera')} testId="self-video" />
        <figcaption className="self-view__caption">{t('deviceCheck.cameraHint')}</figcaption>
      </figure>
      <div className="device-check__steps">
        {deviceProblem ? (
          <p className="notice notice--warning" role="alert" data-testid="device-problem">
            {t('waiting.deviceProblem')}
          </p>
        ) : null}
        <section className="check-step" aria-labelledby="mic-heading">
          <h2 id="mic-heading">{t('deviceCheck.mic')}</h2>
          <p>{t('deviceCheck.micHint')}</p>
          <div
            className="mic-meter"
            role="meter"
            aria-label={t('deviceCheck.micLevel')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            data-testid="mic-level"
            data-level={percent}
          >
            <div className="mic-meter__bar" style={{ width: `${percent}%` }} />
          </div>
        </section>
        <section className="check-step" aria-labelledby="speaker-heading">
          <h2 id="speaker-heading">{t('deviceCheck.speaker')}</h2>
          <Button
            variant="secondary"
            testId="speaker-test"
            icon={<Icon name="speaker" />}
            disabled={speaker === 'playing'}
            onClick={testSpeaker}
          >
            {speaker === 'playing' ? t('deviceCheck.playing') : t('deviceCheck.playTone')}
          </Button>
          {speaker === 'asked' || speaker === 'heard' || speaker === 'not-heard' ? (
            <div className="check-step__question" role="group" aria-label={t('deviceCheck.heard')}>
              <p>{t('deviceCheck.heard')}</p>
              <Button
                variant={speaker === 'heard' ? 'primary' : 'secondary'}
                testId="speaker-heard-yes"
                aria-pressed={speaker === 'heard'}
                onClick={() => setSpeaker('heard')}
              >
                {t('deviceCheck.yes')}
              </Button>
              <Button
                variant={speaker === 'not-heard' ? 'primary' : 'secondary'}
                testId="speaker-heard-no"
                aria-pressed={speaker === 'not-heard'}
                onClick={() => setSpeaker('not-heard')}
              >
                {t('deviceCheck.no')}
              </Button>
            </div>
          ) : null}
          {speaker === 'not-heard' ? (
            <p className="notice" role="status">
              {t('deviceCheck.notHeardHint')}
            </p>
          ) : null}
        </section>
        <section className="check-step" aria-labelledby="output-heading">
          <h2 id="output-heading">{t('deviceCheck.output')}</h2>
          <div className="outputs" role="group" aria-labelledby="output-heading">
            {outputs.map((output, i) => (
              <Button
                key={output.deviceId}
                variant={selected === output.deviceId ? 'primary' : 'secondary'}
                testId={`output-${output.deviceId}`}
                aria-pressed={selected === output.deviceId}
                onClick={() => send({ type: 'output.set', deviceId: output.deviceId })}
              >
                {output.deviceId === 'default'
                  ? t('deviceCheck.loudspeaker')
                  : output.label || t('deviceCheck.handset', { n: i })}
              </Button>
            ))}
          </div>
        </section>
        <LinkCheck />
        <Button
          className="device-check__continue"
          testId="device-check-continue"
          onClick={() => send({ type: 'deviceCheck.done' })}
        >
          {t('deviceCheck.continue')}
        </Button>
      </div>
    </main>
  );
}
