import type { BrowserContext, Page } from 'playwright-core';

/** The remote picture in both apps, and in the baseline page. */
export const REMOTE_VIDEO = '[data-testid=remote-video]';

export interface FirstFrame {
  /** Date.now() in the page when the first remote video frame was presented. */
  frameAt: number;
  /** Date.now() in the page when a remote-video element first had a stream with a video track. */
  streamAt: number;
  /** rvfc: requestVideoFrameCallback; poll: getVideoPlaybackQuality().totalVideoFrames > 0. */
  via: 'rvfc' | 'poll';
  /**
   * Peer connections created after arming (test/e2e/support/browser.ts records them in
   * window.__pcs): when the poll first saw each, and first saw it 'connected' (0: not before the
   * first frame).
   */
  pcs: { seenAt: number; connectedAt: number }[];
  /** Date.now() in the page when the first click after arming reached the document (0: none). */
  clickAt: number;
}

interface Detector {
  promise: Promise<FirstFrame>;
  cancel: () => void;
}

type BenchWindow = Window & { __benchFirstFrame?: Detector; __pcs?: RTCPeerConnection[] };

/**
 * tsx compiles with esbuild's keepNames, which wraps inner functions in `__name(...)`; functions
 * passed to page.evaluate are sent as source text, so the page needs a no-op `__name`.
 */
export async function allowEvaluatedFunctions(context: BrowserContext): Promise<void> {
  await context.addInitScript('globalThis.__name ??= (target) => target;');
}

/** How long rVFC may lag behind decoded frames before the poll's time is taken instead. */
const RVFC_GRACE_MS = 2_000;

/**
 * Arms, in the page, a detector of the first remote video frame: waits (4 ms polling) for a
 * `selector` video element whose srcObject has a video track, then records Date.now() in a
 * requestVideoFrameCallback (registered again whenever the element or its stream changes). If
 * rVFC is missing, the time is the first poll that sees getVideoPlaybackQuality().totalVideoFrames
 * > 0; so it is too if rVFC stays silent for RVFC_GRACE_MS after frames were decoded (never seen here).
 * Must be armed before the action that starts the call; a previous detector is cancelled.
 */
export async function armFirstFrame(page: Page, selector = REMOTE_VIDEO): Promise<void> {
  await page.evaluate(
    ({ sel, graceMs }) => {
      const w = window as BenchWindow;
      w.__benchFirstFrame?.cancel();
      let stopped = false;
      let resolveFn: (value: FirstFrame) => void = () => undefined;
      const promise = new Promise<FirstFrame>((resolve) => {
        resolveFn = resolve;
      });
      let streamAt = 0;
      let polledAt = 0;
      let watched: HTMLVideoElement | null = null;
      let watchedStream: MediaProvider | null = null;
      let clickAt = 0;
      const onClick = () => {
        clickAt ||= Date.now();
      };
      document.addEventListener('click', onClick, { capture: true, once: true });
      const pcsBefore = w.__pcs?.length ?? 0;
      const pcs: FirstFrame['pcs'] = [];
      const watchPcs = () => {
        const all = w.__pcs ?? [];
        for (let i = pcsBefore; i < all.length; i++) {
          const entry = (pcs[i - pcsBefore] ??= { seenAt: Date.now(), connectedAt: 0 });
          if (!entry.connectedAt && all[i]!.connectionState === 'connected')
            entry.connectedAt = Date.now();
        }
      };
      const finish = (via: FirstFrame['via'], frameAt: number) => {
        if (stopped) return;
        stopped = true;
        watchPcs();
        document.removeEventListener('click', onClick, { capture: true });
        resolveFn({ frameAt, streamAt, via, pcs, clickAt });
      };
      const tick = () => {
        if (stopped) return;
        watchPcs();
        const video = document.querySelector<HTMLVideoElement>(sel);
        const stream = video?.srcObject;
        if (video && stream instanceof MediaStream && stream.getVideoTracks().length > 0) {
          if (!streamAt) streamAt = Date.now();
          const hasRvfc = typeof video.requestVideoFrameCallback === 'function';
          if (hasRvfc && (video !== watched || stream !== watchedStream)) {
            watched = video;
            watchedStream = stream;
            video.requestVideoFrameCallback(() => finish('rvfc', Date.now()));
          }
          if (!polledAt && video.getVideoPlaybackQuality().totalVideoFrames > 0)
            polledAt = Date.now();
          if (polledAt && (!hasRvfc || Date.now() - polledAt > graceMs)) {
            finish('poll', polledAt);
            return;
          }
        }
        setTimeout(tick, 4);
      };
      tick();
      w.__benchFirstFrame = {
        promise,
        cancel: () => {
          stopped = true;
          document.removeEventListener('click', onClick, { capture: true });
        },
      };
    },
    { sel: selector, graceMs: RVFC_GRACE_MS },
  );
}

/** Resolves with the first frame seen by the armed detector, or rejects after `timeoutMs`. */
export async function awaitFirstFrame(
  page: Page,
  label: string,
  timeoutMs = 20_000,
): Promise<FirstFrame> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void page
        .evaluate(() => (window as BenchWindow).__benchFirstFrame?.cancel())
        .catch(() => undefined);
      reject(new Error(`${label}: no remote video frame within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      page.evaluate(() => {
        const detector = (window as BenchWindow).__benchFirstFrame;
        if (!detector) throw new Error('first-frame detector not armed');
        return detector.promise;
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
