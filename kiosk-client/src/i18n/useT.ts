import { useMemo } from 'react';
import { useVisit } from '../session/KioskSessionContext';
import { translate, type Translate } from './translate';

/** The translator for the citizen's current language. */
export function useT(): Translate {
  const language = useVisit((s) => s.context.visit.language);
  return useMemo<Translate>(() => (key, params) => translate(language, key, params), [language]);
}
