import { useEffect, useRef } from 'react';
import type { PartyCallSnapshot } from '@visio/shared/client';
import { callStateKey } from '@visio/shared/ui';
import { useT } from '../../i18n/useT';

/**
 * A call's heading and its state line, as the advisor's and the interpreter's calls show them.
 * The heading takes the focus when the call opens: keyboard and screen-reader users land on it.
 */
export function CallHeader({
  title,
  callState,
}: {
  readonly title: string;
  readonly callState: PartyCallSnapshot | null;
}) {
  const t = useT();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const state = callState?.state ?? 'connecting';
  return (
    <div className="call__top">
      <h2 id="call-heading" ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p className={`call-state call-state--${state}`}>
        {t('call.stateLabel')}{' '}
        <strong
          data-testid="call-state"
          data-state={state}
          data-cause={callState?.reconnecting ?? ''}
        >
          {t(callStateKey(callState))}
        </strong>
      </p>
    </div>
  );
}
