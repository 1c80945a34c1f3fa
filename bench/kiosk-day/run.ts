/**
 * Kiosk-day benchmark: one kiosk page runs CALLS consecutive short calls without a reload, the
 * way a kiosk lives through a day. Measures the time from the advisor's hang-up click to the
 * kiosk's welcome screen (survey skipped), and the kiosk page's memory (JS heap after a forced GC,
 * DOM nodes, event listeners) and the browser's RSS after call 1 and after the last call.
 * See bench/README.md ("kiosk-day").
 *
 *   npm run bench:kiosk-day            (setup, then this script)
 *   bash scripts/with-env.sh node --import tsx bench/kiosk-day/run.ts
 *
 * Env: CALLS (default 100).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../test/support/testServer';
import { AdvisorPage } from '../../test/e2e/pages/AdvisorPage';
import { KioskPage } from '../../test/e2e/pages/KioskPage';
import { bookAppointment } from '../../test/e2e/support/booking';
import { inboundMedia, launchChromium, newMachine } from '../../test/e2e/support/browser';
import { round, summarise, table } from '../call-setup/stats';

const CALLS = positiveInt(process.env.CALLS, 100);
const MEDIA_SECONDS = 3;
const TARGET_MEMORY_GROWTH_MB = 20;
const RESULTS = path.resolve('bench/results/kiosk-day.json');
const MB = 1024 * 1024;

interface Memory {
  heapMb: number;
  domNodes: number;
  /** Nodes in the document itself; domNodes less these are detached nodes still referenced. */
  attachedNodes: number;
  listeners: number;
  documents: number;
  /** Peer connections the page still holds that the app did not close. */
  openPcs: number;
}

interface Snapshot {
  call: number;
  kiosk: Memory;
  advisor: Memory;
  browserRssMb: number;
  browserPssMb: number;
}

/** Runs one step of one call with a deadline; any failure names the call and the step. */
async function step<T>(call: number, name: string, timeoutMs: number, fn: () => Promise<T>) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`call ${call}, step "${name}": ${message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The page's memory after a forced GC. Peer connections the app closed are first dropped from the
 * harness's recorder (newMachine keeps every RTCPeerConnection in window.__pcs, which would retain
 * them and count as growth the app does not cause); those left open are counted as suspects.
 */
async function pageMemory(page: Page, cdp: CDPSession): Promise<Memory> {
  const openPcs = await page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const open = pcs.filter((pc) => pc.connectionState !== 'closed');
    pcs.splice(0, pcs.length, ...open);
    return open.length;
  });
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const attachedNodes = await page.evaluate(() => {
    const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    let n = 1;
    while (walker.nextNode()) n++;
    return n;
  });
  return {
    heapMb: round(heap.usedSize / MB, 2),
    domNodes: dom.nodes,
    attachedNodes,
    listeners: dom.jsEventListeners,
    documents: dom.documents,
    openPcs,
  };
}

/** Chromium processes descended from this Node process, summed (RSS double-counts shared pages; PSS does not). */
function browserMemory(): { rssMb: number; pssMb: number } {
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
      names.set(Number(entry), fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0]!);
    } catch {
      // The process ended while we read it.
    }
  }
  const descends = (pid: number) => {
    for (let p = parent.get(pid); p && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let rssKb = 0;
  let pssKb = 0;
  for (const [pid, name] of names) {
    if (!/chrom/i.test(path.basename(name)) || !descends(pid)) continue;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pssKb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // The process ended while we read it.
    }
  }
  return { rssMb: round(rssKb / 1024, 1), pssMb: round(pssKb / 1024, 1) };
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  checkPrerequisites();
  const cores = os.availableParallelism();
  console.log(
    `kiosk-day: ${CALLS} consecutive calls on one kiosk page without reload; ${cores} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
  );

  let t: TestServer | undefined;
  let browser: Browser | undefined;
  const backToWelcome: number[] = [];
  const toSurvey: number[] = [];
  const snapshots: Snapshot[] = [];
  const pageErrors: string[] = [];
  /** Video frames decoded at the kiosk during the MEDIA_SECONDS window of each call. */
  const framesPerCall: number[] = [];
  let agenda: { earlierRows: number; foldedNodes: number; unfoldedNodes: number } | undefined;
  try {
    t = await startTestServer({ MEDIA_WORKERS: '1' });
    browser = await launchChromium();
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    const kiosk = new KioskPage(kioskMachine.page);
    const advisor = new AdvisorPage(advisorMachine.page);
    for (const [who, page] of [
      ['kiosk', kiosk.page],
      ['advisor', advisor.page],
    ] as const) {
      page.on('pageerror', (error) => {
        pageErrors.push(`[${who}] ${error.message}`);
        console.error(`[${who}] page error:`, error.message);
      });
    }
    const kioskCdp = await kioskMachine.context.newCDPSession(kiosk.page);
    const advisorCdp = await advisorMachine.context.newCDPSession(advisor.page);
    const snapshot = async (call: number): Promise<Snapshot> => {
      const [k, a] = [
        await pageMemory(kiosk.page, kioskCdp),
        await pageMemory(advisor.page, advisorCdp),
      ];
      const b = browserMemory();
      return { call, kiosk: k, advisor: a, browserRssMb: b.rssMb, browserPssMb: b.pssMb };
    };

    await step(0, 'open kiosk', 30_000, async () => {
      await kiosk.open(t!.url, t!.kiosk.token);
      await kiosk.screen('welcome').waitFor({ timeout: 30_000 });
    });
    await step(0, 'open advisor', 30_000, async () => {
      await advisor.open(t!.url, t!.advisor.token);
      await advisor.agenda().waitFor({ timeout: 30_000 });
    });
    const s0 = await snapshot(0);
    console.log(
      `  before call 1: kiosk heap ${s0.kiosk.heapMb} MB, ${s0.kiosk.domNodes} DOM nodes; browser RSS ${s0.browserRssMb} MB`,
    );

    for (let call = 1; call <= CALLS; call++) {
      const S = 15_000;
      const { appointmentId, code } = await step(call, 'book appointment', S, () =>
        bookAppointment(t!, {
          kioskId: t!.kiosk.id,
          advisorId: t!.advisor.id,
          serviceId: t!.serviceA,
        }),
      );
      await step(call, 'check in at the kiosk', S, async () => {
        await kiosk.screen('welcome').waitFor({ timeout: S });
        await kiosk.checkIn(code);
        await kiosk.screen('waiting').waitFor({ timeout: S });
      });
      await step(call, 'advisor admits', S, async () => {
        const later = advisor.page.getByTestId('outcome-later');
        if (await later.isVisible()) await later.click();
        const id = `admit-${appointmentId}`;
        await advisor.page.getByTestId(id).waitFor({ state: 'visible', timeout: S });
        await advisor.page.waitForFunction(
          (testId) =>
            !(document.querySelector(`[data-testid="${testId}"]`) as HTMLButtonElement | null)
              ?.disabled,
          id,
          { timeout: S },
        );
        await advisor.page.getByTestId(id).click({ timeout: S });
        await kiosk.screen('call').waitFor({ timeout: S });
        await advisor.callView().waitFor({ timeout: S });
      });
      await step(call, 'media flows to the kiosk', S + MEDIA_SECONDS * 1000, async () => {
        let first = await inboundMedia(kiosk.page);
        while (first.framesDecoded === 0) {
          await new Promise((r) => setTimeout(r, 100));
          first = await inboundMedia(kiosk.page);
        }
        await new Promise((r) => setTimeout(r, MEDIA_SECONDS * 1000));
        const later = await inboundMedia(kiosk.page);
        const frames = later.framesDecoded - first.framesDecoded;
        const audio = later.audioPacketsReceived - first.audioPacketsReceived;
        // Frames must keep decoding; the rate itself depends on the machine's load (recorded).
        if (frames < 3 * MEDIA_SECONDS || audio < 10 * MEDIA_SECONDS)
          throw new Error(
            `only ${frames} frames decoded / ${audio} audio packets in ${MEDIA_SECONDS} s`,
          );
        framesPerCall.push(frames);
      });
      await step(call, 'hang up, survey skipped, back to welcome', S, async () => {
        const t0 = performance.now();
        await advisor.hangUp();
        await kiosk.screen('survey').waitFor({ timeout: S });
        toSurvey.push(performance.now() - t0);
        await kiosk.skipSurvey();
        await kiosk.screen('welcome').waitFor({ timeout: S });
        backToWelcome.push(performance.now() - t0);
      });
      await step(call, 'server and advisor idle', S, async () => {
        await advisor.callView().waitFor({ state: 'detached', timeout: S });
        while (t!.server.calls.activeCalls.length > 0) await new Promise((r) => setTimeout(r, 20));
        const later = advisor.page.getByTestId('outcome-later');
        if (await later.isVisible()) await later.click();
      });
      if (call === 1 || call % 10 === 0 || call === CALLS) {
        const s = await step(call, 'memory snapshot', 60_000, () => snapshot(call));
        snapshots.push(s);
        console.log(
          `  call ${String(call).padStart(3)}/${CALLS}: back to welcome ${Math.round(backToWelcome.at(-1)!)} ms; kiosk heap ${s.kiosk.heapMb} MB, ${s.kiosk.domNodes} DOM nodes, ${s.kiosk.listeners} listeners, ${s.kiosk.openPcs} open pcs; advisor heap ${s.advisor.heapMb} MB, ${s.advisor.domNodes} nodes (${s.advisor.attachedNodes} in the document); browser RSS ${s.browserRssMb} MB (PSS ${s.browserPssMb})`,
        );
      }
    }
    // The advisor's agenda holds the whole day: the finished appointments are folded under
    // "Earlier today". Unfolding them shows, in the same page and run, what the page would weigh
    // with every row drawn (as the agenda was before folding).
    agenda = await step(CALLS, 'advisor agenda folded, then unfolded', 60_000, async () => {
      const folded = await pageMemory(advisor.page, advisorCdp);
      const earlier = advisor.page.getByTestId('agenda-earlier');
      await advisor.page.getByTestId('agenda-earlier-toggle').click();
      await earlier.locator('tbody tr').first().waitFor({ timeout: 15_000 });
      const rows = await earlier.locator('tbody tr').count();
      const unfolded = await pageMemory(advisor.page, advisorCdp);
      await advisor.page.getByTestId('agenda-earlier-toggle').click();
      return { earlierRows: rows, foldedNodes: folded.domNodes, unfoldedNodes: unfolded.domNodes };
    });
    await kioskMachine.context.close().catch(() => undefined);
    await advisorMachine.context.close().catch(() => undefined);
  } finally {
    await browser?.close().catch(() => undefined);
    await t?.stop().catch(() => undefined);
  }

  const runSeconds = round((performance.now() - wallStart) / 1000);
  const start = snapshots[0]!;
  const end = snapshots.at(-1)!;
  const growth = round(end.kiosk.heapMb - start.kiosk.heapMb, 2);
  const meets = growth <= TARGET_MEMORY_GROWTH_MB;
  const w = summarise(backToWelcome);
  const sv = summarise(toSurvey);

  console.log(
    `\nMemory after call ${start.call} (start) and call ${end.call} (end), after forced GC\n`,
  );
  const row = (name: string, a: number, b: number) => [name, a, b, round(b - a, 2)];
  console.log(
    table(
      ['', 'start', 'end', 'growth'],
      [
        row('kiosk JS heap MB', start.kiosk.heapMb, end.kiosk.heapMb),
        row('kiosk DOM nodes', start.kiosk.domNodes, end.kiosk.domNodes),
        row('kiosk JS event listeners', start.kiosk.listeners, end.kiosk.listeners),
        row('kiosk open peer connections', start.kiosk.openPcs, end.kiosk.openPcs),
        row('advisor JS heap MB', start.advisor.heapMb, end.advisor.heapMb),
        row('advisor DOM nodes', start.advisor.domNodes, end.advisor.domNodes),
        row('  of which in the document', start.advisor.attachedNodes, end.advisor.attachedNodes),
        row('browser RSS MB (sum)', start.browserRssMb, end.browserRssMb),
        row('browser PSS MB (sum)', start.browserPssMb, end.browserPssMb),
      ],
    ),
  );
  if (agenda) {
    const perRow = round((agenda.unfoldedNodes - agenda.foldedNodes) / agenda.earlierRows, 1);
    console.log(
      `\nAdvisor agenda after call ${end.call}: ${agenda.earlierRows} earlier appointments; page DOM nodes ${agenda.foldedNodes} folded, ${agenda.unfoldedNodes} unfolded (${perRow} per row drawn)`,
    );
  }
  console.log(
    `\nHang-up click to kiosk screen, ms (${backToWelcome.length} calls; ${cores} cores)\n`,
  );
  console.log(
    table(
      ['', 'p50', 'p95', 'min', 'max'],
      [
        ['survey shown', sv.p50, sv.p95, sv.min, sv.max],
        ['welcome (survey skipped)', w.p50, w.p95, w.min, w.max],
      ],
    ),
  );
  console.log(
    meets
      ? `\nTARGET MET: kiosk JS heap grew ${growth} MB over ${end.call - start.call} calls (target <= ${TARGET_MEMORY_GROWTH_MB} MB).`
      : `\nTARGET MISSED: kiosk JS heap grew ${growth} MB over ${end.call - start.call} calls (target <= ${TARGET_MEMORY_GROWTH_MB} MB).`,
  );

  const result = {
    name: 'kiosk-day',
    date: new Date().toISOString(),
    cores,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    calls: backToWelcome.length,
    run_seconds: runSeconds,
    memory_growth_mb: growth,
    heap_start_mb: start.kiosk.heapMb,
    heap_end_mb: end.kiosk.heapMb,
    dom_nodes_start: start.kiosk.domNodes,
    dom_nodes_end: end.kiosk.domNodes,
    advisor_dom_nodes_start: start.advisor.domNodes,
    advisor_dom_nodes_end: end.advisor.domNodes,
    advisor_agenda: agenda
      ? {
          earlier_rows: agenda.earlierRows,
          dom_nodes_folded: agenda.foldedNodes,
          dom_nodes_unfolded: agenda.unfoldedNodes,
        }
      : null,
    browser_rss_start_mb: start.browserRssMb,
    browser_rss_end_mb: end.browserRssMb,
    browser_pss_start_mb: start.browserPssMb,
    browser_pss_end_mb: end.browserPssMb,
    back_to_welcome_ms: w,
    hangup_to_survey_ms: sv,
    kiosk_fps_during_media: summarise(framesPerCall.map((f) => f / MEDIA_SECONDS)),
    page_errors: pageErrors,
    method: {
      start: 'memory after call 1 (warm-up excluded); end: after the last call',
      heap: 'kiosk page Runtime.getHeapUsage().usedSize after two HeapProfiler.collectGarbage (CDP)',
      dom: 'Memory.getDOMCounters (CDP) of the kiosk page (advisor_*: of the advisor page)',
      advisor_agenda:
        'advisor page DOM nodes after the last call (forced GC), with "Earlier today" folded (as shown) and unfolded (every row drawn, as before folding)',
      browser_rss:
        'sum of VmRSS (and Pss from smaps_rollup) of chromium processes descended from the benchmark process',
      back_to_welcome:
        'performance.now() in Node before the advisor clicks hangup, to kiosk-screen-welcome visible; includes the survey-skip tap',
      call: `bookAppointment (REST) for now, keypad check-in, device check, advisor admit-<id>, ${MEDIA_SECONDS} s of media checked with framesDecoded on the kiosk`,
    },
    trend: snapshots,
    target_memory_growth_mb: TARGET_MEMORY_GROWTH_MB,
    meets_target: meets,
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), RESULTS)}; total run time ${runSeconds} s`);
}

function checkPrerequisites(): void {
  const problems: string[] = [];
  const worker = process.env.MEDIASOUP_WORKER_BIN;
  if (!worker || !fs.existsSync(worker)) {
    problems.push(
      `mediasoup worker not found (MEDIASOUP_WORKER_BIN=${worker ?? ''}): run npm run setup`,
    );
  }
  for (const app of ['kiosk-client', 'advisor-client']) {
    if (!fs.existsSync(path.resolve(app, 'dist/index.html')))
      problems.push(`${app}/dist is missing: run npm run build:clients`);
  }
  if (problems.length) throw new Error(`cannot run the benchmark:\n  - ${problems.join('\n  - ')}`);
}

function positiveInt(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`CALLS: not a positive integer: ${raw}`);
  return n;
}

main().then(
  () => {
    setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  },
  (error: unknown) => {
    console.error(
      '\nkiosk-day benchmark FAILED:',
      error instanceof Error ? (error.stack ?? error.message) : error,
    );
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 2_000).unref();
  },
);
