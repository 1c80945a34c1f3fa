import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StaffApp } from './session/StaffApp';
import { StaffAppContext } from './session/StaffAppContext';
import { takeStaffToken } from './session/staffToken';
import '@visio/shared/styles/base.css';
import './styles.css';

const app = new StaffApp(takeStaffToken());
app.start();

// For end-to-end tests and on-site diagnosis (e.g. `await __visio.callSession?.getStats()`):
// the live call engine, read-only. Holds nothing the page itself could not reach.
Object.defineProperty(window, '__visio', {
  value: Object.freeze({
    get callSession() {
      return app.session?.store.get().call?.party.media ?? null;
    },
  }),
});

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <StaffAppContext value={app}>
      <App />
    </StaffAppContext>
  </StrictMode>,
);
