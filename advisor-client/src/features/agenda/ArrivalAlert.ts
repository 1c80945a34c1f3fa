/**
 * How an advisor hears that a citizen arrived when looking at another window: a short chime
 * (synthesised, no sound file) and a system notification if they allowed it. Permission is only
 * ever asked from a button, never on load.
 */
export class ArrivalAlert {
  private audio: AudioContext | null = null;

  static get notificationsSupported(): boolean {
    return typeof window !== 'undefined' && 'Notification' in window;
  }

  static get permission(): NotificationPermission | 'unsupported' {
    return ArrivalAlert.notificationsSupported ? Notification.permission : 'unsupported';
  }

  async requestPermission(): Promise<NotificationPermission | 'unsupported'> {
    if (!ArrivalAlert.notificationsSupported) return 'unsupported';
    try {
      return await Notification.requestPermission();
    } catch {
      return Notification.permission;
    }
  }

  /**
   * Browsers keep audio silent until the page has been used; call this from a click or key
   * press so that later chimes are heard.
   */
  unlock(): void {
    try {
      this.audio ??= new AudioContext();
      if (this.audio.state === 'suspended') void this.audio.resume();
    } catch {
      // No audio output: the notification and the on-screen notice remain.
    }
  }

  alert(title: string, body: string): void {
    this.chime();
    if (ArrivalAlert.permission !== 'granted') return;
    try {
      const notification = new Notification(title, { body, tag: 'visio-arrival' });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker: the chime is enough.
    }
  }

  close(): void {
    void this.audio?.close().catch(() => undefined);
    this.audio = null;
  }

  /** Two soft tones, falling: noticeable without being alarming. */
  private chime(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      const start = ctx.currentTime + 0.02;
      [880, 660].forEach((frequency, i) => {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = frequency;
        const t0 = start + i * 0.22;
        gain.gain.setValueAtTime(0.0001, t0);
        gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.2);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t0);
        osc.stop(t0 + 0.21);
      });
    } catch {
      // No audio output.
    }
  }
}
