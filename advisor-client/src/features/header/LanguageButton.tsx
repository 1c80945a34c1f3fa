import type { Language } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStaffApp } from '../../session/StaffAppContext';

/** Offers the other language, written in that language (and tagged with it for speech). */
export function LanguageButton() {
  const t = useT();
  const app = useStaffApp();
  const other = t('language.otherCode') as Language;
  return (
    <Button
      variant="secondary"
      lang={other}
      testId="language-switch"
      onClick={() => app.setLanguage(other)}
    >
      {t('language.other')}
    </Button>
  );
}
