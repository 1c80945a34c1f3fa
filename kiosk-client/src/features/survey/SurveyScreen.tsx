import { useState } from 'react';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useVisit, useVisitSend } from '../../session/KioskSessionContext';

const RATINGS = [1, 2, 3, 4, 5] as const;

/** A face drawn from its rating: the mouth curves from a frown (1) to a broad smile (5). */
function Face({ rating }: { readonly rating: number }) {
  const curve = (rating - 3) * 5;
  return (
    <svg viewBox="0 0 48 48" width="1em" height="1em" aria-hidden="true" focusable="false">
      <circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" strokeWidth="3" />
      <circle cx="17" cy="19" r="3" fill="currentColor" />
      <circle cx="31" cy="19" r="3" fill="currentColor" />
      <path
        d={`M14 ${32 - curve / 2} Q24 ${32 + curve} 34 ${32 - curve / 2}`}
        fill="none"
        stroke="currentColor"
        strokeWidth="3"
        strokeLinecap="round"
      />
    </svg>
  );
}

/** One tap: how was it? Then everything of the visit is wiped. */
export function SurveyScreen() {
  const t = useT();
  const send = useVisitSend();
  const sending = useVisit((s) => s.matches({ step: { survey: 'sending' } }));
  const [badQuality, setBadQuality] = useState(false);

  return (
    <main className="screen screen--survey" data-testid="kiosk-screen-survey">
      <h1>{t('survey.title')}</h1>
      <p className="lead">{t('survey.lead')}</p>
      <div className="survey__faces" role="group" aria-label={t('survey.title')}>
        {RATINGS.map((rating) => (
          <button
            key={rating}
            type="button"
            className={`survey__face survey__face--${rating}`}
            data-testid={`survey-${rating}`}
            disabled={sending}
            onClick={() => send({ type: 'survey.submit', rating, badQuality })}
          >
            <span className="survey__icon">
              <Face rating={rating} />
            </span>
            <span className="survey__label">
              {t(`survey.rating.${rating}` satisfies MessageKey)}
            </span>
          </button>
        ))}
      </div>
      <button
        type="button"
        className="button button--toggle survey__quality"
        aria-pressed={badQuality}
        data-testid="survey-bad-quality"
        onClick={() => setBadQuality((b) => !b)}
      >
        <span className="survey__check" aria-hidden="true">
          {badQuality ? '✓' : ''}
        </span>
        <span className="button__label">{t('survey.badQuality')}</span>
      </button>
      <Button
        variant="secondary"
        testId="survey-skip"
        onClick={() => send({ type: 'survey.skip' })}
      >
        {t('survey.skip')}
      </Button>
    </main>
  );
}
