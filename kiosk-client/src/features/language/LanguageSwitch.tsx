import { useT } from '../../i18n/useT';
import type { Language } from '../../i18n/translate';
import { Button } from '../../primitives/Button';
import { useVisitSend } from '../../session/KioskSessionContext';

/** Offers the other language, written in that language (and tagged with it for speech). */
export function LanguageSwitch() {
  const t = useT();
  const send = useVisitSend();
  const other = t('language.otherCode') as Language;
  return (
    <Button
      variant="secondary"
      className="language-switch"
      lang={other}
      testId="language-switch"
      onClick={() => send({ type: 'language.set', language: other })}
    >
      {t('language.other')}
    </Button>
  );
}
