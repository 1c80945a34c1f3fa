import { useCallback } from 'react';
import type { CallInterpreter } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';

/** How an interpretation reads: `LSF`, `LPC`, `language: ar`. */
export function useInterpreterKind(): (
  interpreter: Pick<CallInterpreter, 'kind' | 'language'>,
) => string {
  const t = useT();
  return useCallback(
    ({ kind, language }) => t(`interpret.short.${kind}`, { language: language ?? '' }),
    [t],
  );
}
