import { useMemo } from 'react';
import { useStaffState } from '../session/StaffSessionContext';
import { translate, type Translate } from './translate';

/** The translator for the advisor's current language. */
export function useT(): Translate {
  const language = useStaffState((s) => s.language);
  return useMemo<Translate>(() => (key, params) => translate(language, key, params), [language]);
}
