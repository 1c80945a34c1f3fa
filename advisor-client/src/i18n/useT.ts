import { useMemo } from 'react';
import { useAppState } from '../session/StaffAppContext';
import { translate, type Translate } from './translate';

/** The translator for the staff member's current language. */
export function useT(): Translate {
  const language = useAppState((s) => s.language);
  return useMemo<Translate>(() => (key, params) => translate(language, key, params), [language]);
}
