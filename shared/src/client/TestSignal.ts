/**
 * A generated picture and sound for the nightly test call: a moving test pattern drawn on a
 * canvas (captureStream) and a steady tone (a WebAudio oscillator into a MediaStreamDestination).
 * Never the kiosk's camera or microphone: nobody is in front of it, and nobody must be seen or
 * heard by a test.
 */
export class TestSignal {
  readonly stream: MediaStream;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly audio: AudioContext;
  private frame = 0;

  constructor(width = 320, height = 240, fps = 15) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d')!;
    const draw = () => {
      this.frame += 1;
      // Colour bars with a sweeping bar and a frame counter: every frame differs from the last,
      // so the encoder keeps sending and a frozen loop shows.
      const bars = ['#fff', '#ff0', '#0ff', '#0f0', '#f0f', '#f00', '#00f'];
      bars.forEach((c, i) => {
        g.fillStyle = c;
        g.fillRect((i * width) / bars.length, 0, width / bars.length + 1, height);
      });
      g.fillStyle = '#000';
      g.fillRect((this.frame * 4) % width, 0, 12, height);
      g.fillRect(0, height - 40, width, 40);
      g.fillStyle = '#fff';
      g.font = '24px sans-serif';
      g.fillText(String(this.frame), 10, height - 12);
    };
    draw();
    this.timer = setInterval(draw, 1000 / fps);
    const video = canvas.captureStream(fps).getVideoTracks()[0]!;
    this.audio = new AudioContext();
    const oscillator = this.audio.createOscillator();
    oscillator.frequency.value = 440;
    const gain = this.audio.createGain();
    gain.gain.value = 0.2;
    const destination = this.audio.createMediaStreamDestination();
    oscillator.connect(gain).connect(destination);
    oscillator.start();
    // No one hears it: the tone goes to the stream only, never to the speakers.
    void this.audio.resume().catch(() => undefined);
    this.stream = new MediaStream([video, ...destination.stream.getAudioTracks()]);
  }

  get video(): MediaStreamTrack {
    return this.stream.getVideoTracks()[0]!;
  }

  get tone(): MediaStreamTrack | undefined {
    return this.stream.getAudioTracks()[0];
  }

  close(): void {
    clearInterval(this.timer);
    for (const track of this.stream.getTracks()) track.stop();
    void this.audio.close().catch(() => undefined);
  }
}
