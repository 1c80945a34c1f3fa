import { useId, useState, type FormEvent } from 'react';
import { useT } from '../../i18n/useT';
import type { Translate } from '../../i18n/translate';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { useStore } from '@visio/shared/ui';
import type { ConsoleAction, TechConsole } from './TechConsole';

const MIN = 3;
const MAX = 200;

/** Every technician action asks why (kept in the audit log) before it runs. */
export function ActionDialog({
  console: techConsole,
  action,
  onClose,
}: {
  readonly console: TechConsole;
  readonly action: ConsoleAction;
  readonly onClose: () => void;
}) {
  const t = useT();
  const ids = useId();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const acting = useStore(techConsole.store, (s) => s.acting);
  const problem = useStore(techConsole.store, (s) => s.actionProblem);
  const trimmed = reason.trim();
  const valid = trimmed.length >= MIN && trimmed.length <= MAX;
  const title = actionLabel(t, action);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!valid || acting) return;
    void techConsole.act(action, trimmed).then((done) => done && onClose());
  };

  return (
    <Dialog
      title={title}
      onClose={() => {
        techConsole.clearActionProblem();
        onClose();
      }}
      testId="action-dialog"
    >
      <form onSubmit={submit} noValidate>
        <label htmlFor={`${ids}-reason`}>{t('console.action.reason')}</label>
        <textarea
          id={`${ids}-reason`}
          data-testid="action-reason"
          rows={3}
          maxLength={MAX}
          required
          autoFocus
          value={reason}
          aria-invalid={touched && !valid}
          aria-describedby={touched && !valid ? `${ids}-invalid` : undefined}
          onChange={(event) => setReason(event.target.value)}
        />
        {touched && !valid ? (
          <p id={`${ids}-invalid`} className="field-error">
            {t('console.action.reasonInvalid')}
          </p>
        ) : null}
        {problem ? (
          <p className="alert" role="alert" data-code={problem}>
            {t('console.action.failed')} {t(`errors.${problem}`)}
          </p>
        ) : null}
        <div className="dialog__actions">
          <Button
            variant="secondary"
            onClick={() => {
              techConsole.clearActionProblem();
              onClose();
            }}
          >
            {t('console.action.cancel')}
          </Button>
          <Button type="submit" variant="danger" testId="action-confirm" disabled={acting}>
            {t('console.action.confirm')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** What an action does, to whom: the dialog's title and the announcement once done. */
export function actionLabel(t: Translate, action: ConsoleAction): string {
  if (action.kind === 'end') return t('console.action.endFor', { name: action.name });
  if (action.kind === 'reload') return t('console.action.reloadFor', { name: action.name });
  if (action.kind === 'nightly') return t('nightlyTest.runFor', { name: action.name });
  return t(action.outOfService ? 'console.action.oosOnFor' : 'console.action.oosOffFor', {
    name: action.name,
  });
}
