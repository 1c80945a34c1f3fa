import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { MAX_CHAT_TEXT } from '@visio/shared/protocol';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '@visio/shared/ui';
import { fromPreviousAdvisor, type CallParty, type InCallDesk } from '@visio/shared/client';

/**
 * Real-time text beside the voice (EN 301 549 6.2): the citizen sees every keystroke. `self`: whose
 * messages read "You" (the advisor's, or in the interpreter's view the interpreter's).
 */
export function ChatPanel({
  desk,
  self = 'advisor',
  advisorSince,
}: {
  readonly desk: InCallDesk;
  readonly self?: CallParty;
  /** Since when the call is ours (a warm transfer): earlier advisor messages are a colleague's. */
  readonly advisorSince?: string | undefined;
}) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const messages = useStore(desk.store, (s) => s.messages);
  const peerDraft = useStore(desk.store, (s) => s.peerDraft);
  const peerDraftFrom = useStore(desk.store, (s) => s.peerDraftFrom);
  const draft = useStore(desk.store, (s) => s.draft);
  const sending = useStore(desk.store, (s) => s.sending);
  const logRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [messages.length]);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void desk.send();
    }
  };

  return (
    <section className="panel chat" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t('chat.title')}</h3>
      <h4 id={`${ids}-log`} className="visually-hidden">
        {t('chat.log')}
      </h4>
      <ol
        ref={logRef}
        className="chat__log"
        data-testid="chat-log"
        aria-labelledby={`${ids}-log`}
        tabIndex={0}
      >
        {messages.length === 0 ? <li className="chat__empty">{t('chat.empty')}</li> : null}
        {messages.map((m) => (
          <li key={m.id} className={`chat__message chat__message--${m.from}`} data-from={m.from}>
            <span className="chat__who">
              {fromPreviousAdvisor(m, advisorSince)
                ? t('chat.from.previousAdvisor')
                : t(m.from === self ? 'chat.from.you' : `chat.from.${m.from}`)}{' '}
              · <time dateTime={m.at}>{format.time(m.at)}</time>
            </span>
            <span className="chat__text">{m.text}</span>
          </li>
        ))}
      </ol>
      <div className="chat__peer" aria-live="polite">
        <span className="chat__peer-label">
          {peerDraft
            ? t(
                peerDraftFrom === 'kiosk' || !peerDraftFrom
                  ? 'chat.peerDraft'
                  : `chat.peerDraft.${peerDraftFrom}`,
              )
            : t('chat.peerDraftNone')}
        </span>{' '}
        <span data-testid="chat-peer-draft" className="chat__peer-text">
          {peerDraft}
        </span>
      </div>
      <label htmlFor={`${ids}-input`}>{t('chat.input')}</label>
      <textarea
        id={`${ids}-input`}
        data-testid="chat-input"
        rows={2}
        maxLength={MAX_CHAT_TEXT}
        value={draft}
        aria-describedby={`${ids}-hint`}
        onChange={(event) => desk.setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <p id={`${ids}-hint`} className="hint">
        {t('chat.hint')}
      </p>
      <Button
        testId="chat-send"
        disabled={sending || !draft.trim()}
        onClick={() => void desk.send()}
      >
        {t('chat.send')}
      </Button>
    </section>
  );
}
