import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StaffSession } from './session/StaffSession';
import { StaffSessionContext } from './session/StaffSessionContext';
import { takeStaffToken } from './session/staffToken';
import './styles.css';

const session = new StaffSession(takeStaffToken());
session.start();

// For end-to-end tests and on-site diagnosis (e.g. `await __visio.callSession?.getStats()`):
// the live call engine, read-only. Holds nothing the page itself could not reach.
Object.defineProperty(window, '__visio', {
  value: Object.freeze({
    get callSession() {
      return session.store.get().callSession;
    },
  }),
});

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <StaffSessionContext value={session}>
      <App />
    </StaffSessionContext>
  </StrictMode>,
);
