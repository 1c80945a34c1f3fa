import { useMemo } from 'react';
import { useKioskState } from '../session/KioskSessionContext';
import { translate, type Translate } from './translate';

/** The translator for the citizen's current language. */
export function useT(): Translate {
  const language = useKioskState((s) => s.language);
  return useMemo<Translate>(() => (key, params) => translate(language, key, params), [language]);
}
