import { useEffect, useState } from 'react';
import { LinkTester, type SignallingClient } from '@visio/shared/client';
import { AppError, type LinkTestResult } from '@visio/shared/protocol';

export type LinkTestState =
  | { readonly phase: 'running' }
  | { readonly phase: 'done'; readonly result: LinkTestResult }
  /** The test could not run (server busy, a call began, a network error): nothing to say. */
  | { readonly phase: 'none' };

/** A test that ran a moment ago (a reload, a citizen coming back) is waited for if it is soon. */
const MAX_RETRY_WAIT_S = 60;

/**
 * Runs the pre-call link test once while the device check is on screen, and stops it if the
 * screen goes (the citizen moves on, a call starts). A poor result never blocks anything.
 */
export function useLinkTest(signalling: SignallingClient | null): LinkTestState {
  const [state, setState] = useState<LinkTestState>({ phase: 'running' });
  useEffect(() => {
    if (!signalling) return;
    let live = true;
    let tester: LinkTester | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const run = (mayRetry: boolean) => {
      tester = new LinkTester(signalling);
      tester.run().then(
        (result) => live && setState({ phase: 'done', result }),
        (error: unknown) => {
          if (!live) return;
          const wait = error instanceof AppError ? error.retryAfterSeconds : undefined;
          if (
            mayRetry &&
            error instanceof AppError &&
            error.code === 'RATE_LIMITED' &&
            wait !== undefined &&
            wait <= MAX_RETRY_WAIT_S
          ) {
            retry = setTimeout(() => run(false), wait * 1000);
            return;
          }
          setState({ phase: 'none' });
        },
      );
    };
    run(true);
    return () => {
      live = false;
      clearTimeout(retry);
      tester?.abort();
    };
  }, [signalling]);
  // Without a connection there is nothing to measure against.
  return signalling ? state : { phase: 'none' };
}
