import { AppError } from '@visio/shared/protocol';
import type { MessageKey } from '../../i18n/translate';

const REFUSALS: Readonly<Record<string, MessageKey>> = {
  interpreter_code_unknown: 'interpret.error.interpreter_code_unknown',
  interpreter_code_used: 'interpret.error.interpreter_code_used',
  interpreter_code_expired: 'interpret.error.interpreter_code_expired',
  interpreter_present: 'interpret.error.interpreter_present',
  interpreter_in_call: 'interpret.error.interpreter_in_call',
};

/** The sentence for a refused invitation code (its reason), or a generic one. */
export function codeRefusal(error: unknown): MessageKey {
  const reason = error instanceof AppError ? error.reason : undefined;
  return (reason && REFUSALS[reason]) || 'interpret.error.other';
}

/** The code of an invitation link (`/advisor/?interpret=CODE`), if the page was opened with one. */
export function codeInLink(): string {
  return new URLSearchParams(window.location.search).get('interpret') ?? '';
}
