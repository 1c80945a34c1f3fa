import { useId, useState, type FormEvent } from 'react';
import { TRANSFER_NOTE_MAX } from '@visio/shared/protocol';
import { useStore } from '@visio/shared/ui';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { transferProblemKey } from './transferProblemKey';
import type { TransferDesk } from './TransferDesk';

/** Whom to hand the call to (a colleague and one of their services), with a private note. */
export function TransferDialog({
  desk,
  callId,
}: {
  readonly desk: TransferDesk;
  readonly callId: string;
}) {
  const t = useT();
  const ids = useId();
  const colleagues = useStore(desk.store, (s) => s.colleagues);
  const sending = useStore(desk.store, (s) => s.sending);
  const problem = useStore(desk.store, (s) =>
    s.problem?.context === 'offer' || s.problem?.context === 'colleagues' ? s.problem : null,
  );
  const [choice, setChoice] = useState('');
  const [note, setNote] = useState('');
  const choices = (colleagues ?? []).flatMap((colleague) =>
    colleague.services.map((service) => ({
      key: `${colleague.advisorId}:${service.id}`,
      colleague,
      service,
    })),
  );
  const chosen = choices.find((c) => c.key === choice);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen) void desk.offer(callId, chosen.colleague, chosen.service.id, note);
  };

  return (
    <Dialog title={t('transfer.title')} onClose={() => desk.closeDialog()} testId="transfer-dialog">
      <p>{t('transfer.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
        <fieldset className="transfer__choices" aria-busy={colleagues === null}>
          <legend>{t('transfer.colleagues')}</legend>
          {colleagues === null ? <p>{t('transfer.loading')}</p> : null}
          {colleagues !== null && choices.length === 0 ? (
            <p data-testid="transfer-none">{t('transfer.none')}</p>
          ) : null}
          {choices.map(({ key, colleague, service }) => (
            <div className="transfer__choice" key={key}>
              <input
                type="radio"
                id={`${ids}-${key}`}
                name={`${ids}-colleague`}
                value={key}
                checked={choice === key}
                data-testid={`transfer-choice-${colleague.advisorId}-${service.id}`}
                onChange={() => setChoice(key)}
              />
              <label htmlFor={`${ids}-${key}`}>
                {t('transfer.colleague', { name: colleague.name, service: service.name })}
              </label>
            </div>
          ))}
          <Button variant="secondary" onClick={() => void desk.refreshColleagues()}>
            {t('transfer.refresh')}
          </Button>
        </fieldset>
        <div className="form__row">
          <label htmlFor={`${ids}-note`}>{t('transfer.note')}</label>
          <textarea
            id={`${ids}-note`}
            data-testid="transfer-note"
            rows={3}
            maxLength={TRANSFER_NOTE_MAX}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        {problem ? (
          <p className="alert" role="alert" data-testid="transfer-error" data-code={problem.code}>
            {t(transferProblemKey(problem))}
          </p>
        ) : null}
        <div className="dialog__actions">
          <Button type="submit" testId="transfer-send" disabled={!chosen || sending}>
            {t('transfer.send')}
          </Button>
          <Button variant="secondary" onClick={() => desk.closeDialog()}>
            {t('transfer.cancelDialog')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
