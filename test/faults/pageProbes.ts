import type { Page } from 'playwright-core';
import type { InboundStream } from './MediaProgress';

/**
 * What a page shows and receives, read in one evaluation: its inbound RTP streams (from the peer
 * connections `newMachine()` records) and what its screen says of the call, through the apps'
 * stable test ids. Kiosk fields are null on the advisor's page and the other way round.
 */
export interface PageReading {
  streams: InboundStream[];
  /** The kiosk screen's name (`call`, `survey`, `welcome`, …); null while the app is loading. */
  kioskScreen: string | null;
  /** The advisor's call view is shown. */
  advisorCallView: boolean;
  /** The advisor's call view's connection state (`connected`, `reconnecting`, …), when shown. */
  callState: string | null;
  /** The appointment's status as the advisor's agenda shows it; null when its row is not drawn. */
  rowStatus: string | null;
  /** The agenda's folded "Earlier today" is there (finished appointments are folded into it). */
  earlierShown: boolean;
}

/** A reading that does not come within this is given up (a page being reloaded may not answer). */
const READ_TIMEOUT_MS = 3_000;

/** Reads the page now; null if it cannot answer (navigating, closed, too slow). */
export async function readPage(page: Page, appointmentId: string): Promise<PageReading | null> {
  const reading = page.evaluate(async (id) => {
    const w = window as unknown as { __pcs?: RTCPeerConnection[]; __faultDoc?: string };
    // Stream keys carry the document: a reloaded page's counters are new streams.
    w.__faultDoc ??= Math.random().toString(36).slice(2);
    const streams: InboundStream[] = [];
    for (const [index, pc] of (w.__pcs ?? []).entries()) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp' || (s.kind !== 'audio' && s.kind !== 'video')) return;
        streams.push({
          key: `${w.__faultDoc}/${index}/${String(s.id)}`,
          kind: s.kind,
          framesDecoded: Number(s.framesDecoded ?? 0),
          packetsReceived: Number(s.packetsReceived ?? 0),
        });
      });
    }
    // No helper functions in here: tsx wraps named functions in a `__name` call that the page
    // does not have.
    return {
      streams,
      kioskScreen:
        document
          .querySelector('[data-testid^="kiosk-screen-"]')
          ?.getAttribute('data-testid')
          ?.slice('kiosk-screen-'.length) ?? null,
      advisorCallView: document.querySelector('[data-testid="advisor-call"]') !== null,
      callState:
        document.querySelector('[data-testid="call-state"]')?.getAttribute('data-state') ?? null,
      rowStatus:
        document.querySelector(`[data-testid="appointment-${id}"]`)?.getAttribute('data-status') ??
        null,
      earlierShown: document.querySelector('[data-testid="agenda-earlier"]') !== null,
    };
  }, appointmentId);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), READ_TIMEOUT_MS);
  });
  try {
    return await Promise.race([reading.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
