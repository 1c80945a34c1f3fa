import { useEffect, useRef } from 'react';
import { useT } from '../../i18n/useT';
import { fromPreviousAdvisor, type InCallDesk } from '@visio/shared/client';
import { useStore } from '@visio/shared/ui';
import { useVisit } from '../../session/KioskSessionContext';
import { OnScreenKeyboard } from './OnScreenKeyboard';

/**
 * Real-time text beside the voice (EN 301 549 6.2): every key reaches the advisor as it is
 * typed; the advisor's text shows live too; sent messages stay in the log for the call only.
 */
export function ChatPanel({
  desk,
  peerName,
  advisorSince,
}: {
  readonly desk: InCallDesk;
  readonly peerName: string;
  /** Since when the advisor is this one (a warm transfer): earlier messages are their colleague's. */
  readonly advisorSince?: string | undefined;
}) {
  const t = useT();
  const language = useVisit((s) => s.context.visit.language);
  const messages = useStore(desk.store, (s) => s.messages);
  const draft = useStore(desk.store, (s) => s.draft);
  const peerDraft = useStore(desk.store, (s) => s.peerDraft);
  const peerDraftFrom = useStore(desk.store, (s) => s.peerDraftFrom);
  const logRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages]);

  return (
    <section className="panel chat-panel" data-testid="chat-panel" aria-labelledby="chat-heading">
      <h2 id="chat-heading" className="panel__title">
        {t('chat.title')}
      </h2>
      <ol className="chat-log" data-testid="chat-log" ref={logRef} aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} className={`chat-message chat-message--${m.from}`}>
            <span className="chat-message__from">
              {m.from === 'kiosk'
                ? t('chat.you')
                : fromPreviousAdvisor(m, advisorSince)
                  ? t('chat.previousAdvisor')
                  : m.from === 'interpreter'
                    ? t('chat.interpreter')
                    : peerName}
            </span>{' '}
            {m.text}
          </li>
        ))}
      </ol>
      <p className="chat-peer-draft" data-testid="chat-peer-draft" data-text={peerDraft}>
        {peerDraft ? (
          <>
            <span className="chat-message__from">
              {peerDraftFrom === 'interpreter'
                ? t('chat.interpreterTyping')
                : t('chat.peerTyping', { name: peerName })}
            </span>{' '}
            {peerDraft}
          </>
        ) : null}
      </p>
      <p className="chat-draft" data-testid="chat-draft" data-text={draft}>
        <span className="visually-hidden">{t('chat.yourText')} </span>
        {draft}
        <span className="chat-draft__caret" aria-hidden="true" />
      </p>
      <OnScreenKeyboard
        language={language}
        canSend={draft.trim().length > 0}
        onKey={(char) => desk.setDraft(desk.store.get().draft + char)}
        onErase={() => desk.setDraft(desk.store.get().draft.slice(0, -1))}
        onSend={() => void desk.send()}
      />
    </section>
  );
}
