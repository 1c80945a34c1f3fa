type SinkAudioContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

/** A short, gentle two-note chime on the chosen output (the default one if null). */
export async function playSpeakerTone(sinkId: string | null): Promise<void> {
  const context: SinkAudioContext = new AudioContext();
  try {
    if (sinkId && context.setSinkId) await context.setSinkId(sinkId).catch(() => undefined);
    const gain = context.createGain();
    gain.connect(context.destination);
    const start = context.currentTime + 0.05;
    for (const [i, frequency] of [660, 880].entries()) {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start(start + i * 0.5);
      oscillator.stop(start + i * 0.5 + 0.45);
    }
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(0.4, start + 0.05);
    gain.gain.setValueAtTime(0.4, start + 0.9);
    gain.gain.linearRampToValueAtTime(0, start + 0.95);
    await new Promise((resolve) => setTimeout(resolve, 1100));
  } finally {
    await context.close();
  }
}

export interface AudioOutput {
  readonly deviceId: string;
  readonly label: string;
}

/** The kiosk's sound outputs (loudspeaker, handset…); one "default" entry when none is listed. */
export async function listAudioOutputs(): Promise<AudioOutput[]> {
  const devices = await navigator.mediaDevices?.enumerateDevices().catch(() => []);
  const outputs = (devices ?? [])
    .filter((d) => d.kind === 'audiooutput' && d.deviceId)
    .map((d) => ({ deviceId: d.deviceId, label: d.label }));
  return outputs.length > 0 ? outputs : [{ deviceId: 'default', label: '' }];
}
