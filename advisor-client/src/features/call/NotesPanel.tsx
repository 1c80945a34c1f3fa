import { useId } from 'react';
import { useT } from '../../i18n/useT';
import { useStore } from '@visio/shared/ui';
import type { AdvisorCall } from './AdvisorCall';

/** The advisor's private notes: kept in this tab's memory only, erased with the call. */
export function NotesPanel({ call }: { readonly call: AdvisorCall }) {
  const t = useT();
  const ids = useId();
  const notes = useStore(call.store, (s) => s.notes);
  return (
    <section className="panel notes" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t('notes.title')}</h3>
      <label htmlFor={`${ids}-notes`}>{t('notes.label')}</label>
      <textarea
        id={`${ids}-notes`}
        data-testid="notes"
        rows={4}
        value={notes}
        aria-describedby={`${ids}-privacy`}
        onChange={(event) => call.setNotes(event.target.value)}
      />
      <p id={`${ids}-privacy`} className="hint">
        {t('notes.privacy')}
      </p>
    </section>
  );
}
