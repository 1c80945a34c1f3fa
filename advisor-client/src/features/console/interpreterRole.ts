import type { InterpreterRole } from '@visio/shared/protocol';
import type { Translate } from '../../i18n/translate';

/** "interpreter (LSF)": how the console names a call's interpreter, a role and never a name. */
export function interpreterRole(t: Translate, { kind, language }: InterpreterRole): string {
  return t('console.calls.interpreter', {
    kind: t(`console.interpreter.${kind}`, { language: language ?? '' }),
  });
}
