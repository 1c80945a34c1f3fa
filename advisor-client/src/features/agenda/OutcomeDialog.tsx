import { RecordableOutcomeSchema, type AppointmentView } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { useStore } from '@visio/shared/ui';
import type { Agenda } from './Agenda';

/** After a call: how did it end? One click records it; "Later" leaves a button in the agenda. */
export function OutcomeDialog({
  agenda,
  appointment,
}: {
  readonly agenda: Agenda;
  readonly appointment: AppointmentView;
}) {
  const t = useT();
  const saving = useStore(agenda.store, (s) => s.recordingOutcome);
  const problem = useStore(agenda.store, (s) =>
    s.problem?.context === 'outcome' ? s.problem : null,
  );
  const ref = appointment.citizenRef || t('agenda.walkIn');

  return (
    <Dialog
      title={t('outcome.title')}
      onClose={() => agenda.closeOutcome()}
      testId="outcome-dialog"
    >
      <p>{t('outcome.question', { ref })}</p>
      {problem ? (
        <p className="alert" role="alert" data-code={problem.code}>
          {t('agenda.error.outcome')}
        </p>
      ) : null}
      <div className="outcomes" role="group" aria-label={t('outcome.title')}>
        {RecordableOutcomeSchema.options.map((outcome, i) => (
          <Button
            key={outcome}
            variant={i === 0 ? 'primary' : 'secondary'}
            testId={`outcome-${outcome}`}
            disabled={saving}
            autoFocus={i === 0}
            onClick={() => void agenda.recordOutcome(outcome)}
          >
            {t(`outcome.${outcome}`)}
          </Button>
        ))}
      </div>
      <div className="dialog__actions">
        {saving ? <span aria-busy="true">{t('outcome.saving')}</span> : null}
        <Button variant="secondary" testId="outcome-later" onClick={() => agenda.closeOutcome()}>
          {t('outcome.later')}
        </Button>
      </div>
    </Dialog>
  );
}
