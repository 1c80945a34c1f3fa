import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { takeKioskCredentials } from './session/deviceToken';
import { KioskSession } from './session/KioskSession';
import { KioskSessionContext } from './session/KioskSessionContext';
import { timingsFromQuery } from './visit/VisitTimings';
import '@visio/shared/styles/base.css';
import './styles.css';

// A touchscreen in a public place: no long-press menus, no accidental text selection.
document.addEventListener('contextmenu', (event) => event.preventDefault());

const session = new KioskSession(takeKioskCredentials(), timingsFromQuery(window.location.search));
session.start();

// A citizen must not navigate away mid-visit (back gesture, a stray reload): keep one history
// entry in front of us, and ask before unloading while a visit is on.
window.history.pushState(window.history.state, '', window.location.href);
window.addEventListener('popstate', () => {
  window.history.pushState(window.history.state, '', window.location.href);
});
window.addEventListener('beforeunload', (event) => {
  if (session.holdsCitizen() && !session.connection.allowUnload) event.preventDefault();
});

// For end-to-end tests and on-site diagnosis (e.g. `await __visio.callSession?.getStats()`):
// the live call engine, read-only. Holds nothing the page itself could not reach.
Object.defineProperty(window, '__visio', {
  value: Object.freeze({
    get callSession() {
      return session.visit.actor.getSnapshot().context.visit.partyCall?.media ?? null;
    },
  }),
});

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <KioskSessionContext value={session}>
      <App />
    </KioskSessionContext>
  </StrictMode>,
);
