// The page's entry, kept small: it connects to the engine and asks for the traffic
// snapshot (boot) while the browser is still fetching and compiling React and the
// views (mount, a separate chunk), so the engine's work on the snapshot overlaps theirs.
import { boot } from './boot';
import './styles.css';

import('./mount').then(
  (m) => m.mount(boot),
  (err: Error) => {
    const p = document.createElement('p');
    p.textContent = `Gatehouse could not load its interface (${err.message}). Reload the page; if that does not help, restart Gatehouse.`;
    document.getElementById('root')?.replaceChildren(p);
  },
);
