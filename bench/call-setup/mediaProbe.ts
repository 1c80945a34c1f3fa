import type { Page } from 'playwright-core';

/**
 * Diagnostic only (BENCH_MEDIA_PROBE=1): polls, in the page, getStats() of the peer connections
 * created after arming, and records when each media milestone was first seen (Date.now() in the
 * page): the camera feeding the sender, the first frame encoded, the first keyframe encoded, the
 * first packet sent, and on the receiving side the first packet, frame and keyframe decoded.
 * Polling costs CPU, so it is off unless asked for; the numbers of a probed run are not quoted.
 */
export interface MediaProbe {
  first: Record<string, number>;
  /** The sender's video state when the probe stopped (after the first remote frame). */
  sender: Record<string, unknown>;
}

type ProbeWindow = Window & {
  __pcs?: RTCPeerConnection[];
  __benchProbe?: { stop: () => MediaProbe };
};

export const MEDIA_PROBE = process.env.BENCH_MEDIA_PROBE === '1';

export async function armMediaProbe(page: Page, everyMs = 15): Promise<void> {
  await page.evaluate((every) => {
    const w = window as ProbeWindow;
    w.__benchProbe?.stop();
    const start = w.__pcs?.length ?? 0;
    const first: Record<string, number> = {};
    let sender: Record<string, unknown> = {};
    let stopped = false;
    const mark = (label: string, cond: boolean) => {
      if (cond && !(label in first)) first[label] = Date.now();
    };
    const poll = async () => {
      if (stopped) return;
      const pcs = (w.__pcs ?? []).slice(start);
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats().catch(() => null);
        stats?.forEach((s: Record<string, unknown>) => {
          const n = (k: string) => Number(s[k] ?? 0);
          if (s.type === 'media-source' && s.kind === 'video')
            mark('send: camera frame into sender', n('frames') > 0);
          if (s.type === 'outbound-rtp' && s.kind === 'video') {
            mark('send: first frame encoded', n('framesEncoded') > 0);
            mark('send: first keyframe encoded', n('keyFramesEncoded') > 0);
            mark('send: first video packet sent', n('packetsSent') > 0);
            sender = {
              framesEncoded: s.framesEncoded,
              keyFramesEncoded: s.keyFramesEncoded,
              framesSent: s.framesSent,
              frameWidth: s.frameWidth,
              frameHeight: s.frameHeight,
              totalEncodeTime: s.totalEncodeTime,
              qualityLimitationReason: s.qualityLimitationReason,
              qualityLimitationDurations: s.qualityLimitationDurations,
              encoderImplementation: s.encoderImplementation,
              scalabilityMode: s.scalabilityMode,
              targetBitrate: s.targetBitrate,
              pliCount: s.pliCount,
              firCount: s.firCount,
              retransmittedPacketsSent: s.retransmittedPacketsSent,
              rid: s.rid,
            };
          }
          if (s.type === 'outbound-rtp' && s.kind === 'audio')
            mark('send: first audio packet sent', n('packetsSent') > 0);
          if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated)
            mark('send/recv: a candidate pair succeeded', true);
          if (s.type === 'transport') {
            mark('dtls connected (any pc)', s.dtlsState === 'connected');
          }
          if (s.type === 'inbound-rtp' && s.kind === 'video') {
            mark('recv: first video packet', n('packetsReceived') > 0);
            mark('recv: first frame received', n('framesReceived') > 0);
            mark('recv: first frame decoded', n('framesDecoded') > 0);
            mark('recv: first keyframe decoded', n('keyFramesDecoded') > 0);
            mark('recv: PLI sent', n('pliCount') > 0);
          }
        });
      }
      if (!stopped) setTimeout(() => void poll(), every);
    };
    void poll();
    // The page's own camera (the stream its getUserMedia returned), read frame by frame: shows
    // whether the camera itself stalls, independently of any peer connection or rendering.
    const gaps: { at: number; gap: number }[] = [];
    const streams = (window as unknown as { __benchLocalStreams?: MediaStream[] })
      .__benchLocalStreams;
    const original = [...(streams ?? [])]
      .reverse()
      .flatMap((st) => st.getVideoTracks())
      .find((t) => t.readyState === 'live');
    const Processor = (
      window as unknown as {
        MediaStreamTrackProcessor?: new (init: { track: MediaStreamTrack }) => {
          readable: ReadableStream<VideoFrame>;
        };
      }
    ).MediaStreamTrackProcessor;
    let lastFrame = Date.now();
    let frames = 0;
    if (original && Processor) {
      const watchTrack = original.clone();
      const reader = new Processor({ track: watchTrack }).readable.getReader();
      const read = async () => {
        while (!stopped) {
          const { value, done } = await reader.read();
          if (done) return;
          value.close();
          const now = Date.now();
          frames += 1;
          if (now - lastFrame > 100) gaps.push({ at: lastFrame, gap: now - lastFrame });
          lastFrame = now;
        }
        watchTrack.stop();
      };
      void read();
    }
    w.__benchProbe = {
      stop: () => {
        stopped = true;
        const now = Date.now();
        if (now - lastFrame > 100) gaps.push({ at: lastFrame, gap: now - lastFrame });
        return { first, sender: { ...sender, cameraFrames: frames, cameraGaps: gaps } };
      },
    };
  }, everyMs);
}

export async function collectMediaProbe(page: Page): Promise<MediaProbe | null> {
  return page.evaluate(() => (window as ProbeWindow).__benchProbe?.stop() ?? null);
}
