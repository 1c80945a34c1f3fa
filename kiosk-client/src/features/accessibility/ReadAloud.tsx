import { useEffect } from 'react';
import { useT } from '../../i18n/useT';
import { useVisit, useVisitSend } from '../../session/KioskSessionContext';

const VOICE_LANG = { fr: 'fr-FR', en: 'en-GB' } as const;

/** Speaks the main text of the screen (its title and lead) in the citizen's language. */
function speakScreen(language: keyof typeof VOICE_LANG): void {
  const synth = window.speechSynthesis;
  const main = document.querySelector('main');
  if (!synth || !main) return;
  const parts = [...main.querySelectorAll('h1, .lead, [role="alert"]')]
    .map((el) => el.textContent?.trim())
    .filter(Boolean);
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(parts.join('. '));
  utterance.lang = VOICE_LANG[language];
  synth.speak(utterance);
}

/** Speech output without the citizen's own assistive technology (EN 301 549 5.1.3). */
export function ReadAloudToggle({ screen }: { readonly screen: string }) {
  const t = useT();
  const send = useVisitSend();
  const on = useVisit((s) => s.context.visit.readAloud);
  const language = useVisit((s) => s.context.visit.language);

  useEffect(() => {
    if (!on) return;
    // After the new screen has rendered.
    const timer = setTimeout(() => speakScreen(language), 200);
    return () => clearTimeout(timer);
  }, [on, screen, language]);

  return (
    <button
      type="button"
      className="button button--secondary read-aloud"
      aria-pressed={on}
      data-testid="read-aloud"
      onClick={() => send({ type: 'readAloud.set', on: !on })}
    >
      <span className="button__label">{on ? t('readAloud.on') : t('readAloud.off')}</span>
    </button>
  );
}
