import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

/**
 * Diagnostic only, read from the in-process server through mediasoup's public observer API (no
 * hook in the app): when each peer's video producer was created and when its first keyframe
 * reached the SFU, and when each transport's DTLS connected. Enables the producers' 'keyframe'
 * trace event (one worker notification per keyframe); with BENCH_MEDIA_PROBE=1 also 'rtp', until
 * the first keyframe. Must be constructed before the server creates its workers.
 */
export class ServerTrace {
  private events: {
    at: number;
    peerId: string;
    what: string;
  }[] = [];

  constructor() {
    mediasoup.observer.on('newworker', (worker) =>
      worker.observer.on('newrouter', (router) =>
        router.observer.on('newtransport', (transport) => {
          transport.observer.on('newproducer', (producer) => this.watch(producer));
          transport.observer.on('newconsumer', (consumer) => this.watchConsumer(consumer));
          if (!('dtlsState' in transport)) return; // WebRTC transports only
          const { peerId, direction } = transport.appData as {
            peerId?: string;
            direction?: string;
          };
          (transport as types.WebRtcTransport).on('dtlsstatechange', (state) => {
            if (state !== 'connected') return;
            const what = `${direction} transport DTLS connected from`;
            this.events.push({ at: Date.now(), peerId: String(peerId), what });
          });
        }),
      ),
    );
  }

  reset(): void {
    this.events = [];
  }

  /** ms after t0 per label, for the peer ids given (e.g. { kiosk: kioskId, advisor: staffId }). */
  since(t0: number, peers: Record<string, string>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { at, peerId, what } of this.events) {
      const side = Object.entries(peers).find(([, id]) => id === peerId)?.[0];
      const label = `server: ${what} ${side ?? peerId}`;
      if (at >= t0 && !(label in out)) out[label] = at - t0;
    }
    return out;
  }

  /**
   * When each peer's video consumer sent its first keyframe, and whether its browser had to ask
   * for one (a PLI or FIR in): a first keyframe that the consumer missed costs another.
   */
  private watchConsumer(consumer: types.Consumer): void {
    if (consumer.kind !== 'video') return;
    const { peerId } = consumer.appData as { peerId?: unknown };
    const seen = new Set<string>();
    const once = (what: string) => {
      if (seen.has(what)) return;
      seen.add(what);
      this.events.push({ at: Date.now(), peerId: String(peerId ?? ''), what });
    };
    consumer.on('trace', (trace) => {
      if (trace.type === 'keyframe' && trace.direction === 'out')
        once('first video keyframe out to');
      else if ((trace.type === 'pli' || trace.type === 'fir') && trace.direction === 'in')
        once('first keyframe request by browser of');
    });
    consumer.enableTraceEvent(['keyframe', 'pli', 'fir']).catch(() => undefined);
  }

  private watch(producer: types.Producer): void {
    if (producer.kind !== 'video') return;
    const peerId = String((producer.appData as { peerId?: unknown }).peerId ?? '');
    this.events.push({ at: Date.now(), peerId, what: 'video producer created from' });
    const seen = new Set<string>();
    const once = (what: string) => {
      if (seen.has(what)) return;
      seen.add(what);
      this.events.push({ at: Date.now(), peerId, what });
    };
    // 'rtp' traces every packet: only while looking for the first ones (BENCH_MEDIA_PROBE=1).
    const probe = process.env.BENCH_MEDIA_PROBE === '1';
    let keyframes = 0;
    producer.on('trace', (trace) => {
      if (trace.type === 'keyframe') {
        keyframes += 1;
        once(
          keyframes === 1 ? 'first video keyframe in from' : `video keyframe #${keyframes} in from`,
        );
      } else if (trace.type === 'rtp') {
        once('first video rtp in from');
        if (seen.has('first video keyframe in from'))
          producer.enableTraceEvent(['keyframe']).catch(() => undefined);
      }
    });
    producer.enableTraceEvent(probe ? ['keyframe', 'rtp'] : ['keyframe']).catch(() => undefined);
  }
}
