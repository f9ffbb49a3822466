import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickClient } from './client/pick-client';
import type { UiClient } from './client/ui-client';
import { ClientProvider } from './views/client-context';
import { App } from './views/App';
import { animationFrameScheduler, throttledScheduler } from './model/frame-scheduler';
import { startTrafficSession } from './model/traffic-session';
import { EmptyState } from './views/common';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
let client: UiClient | null = null;
try {
  client = pickClient(window);
} catch (err) {
  root.render(
    <EmptyState title="Gatehouse cannot reach its engine">
      <p>{(err as Error).message}</p>
    </EmptyState>,
  );
}
/**
 * While exchanges keep streaming in, the list takes a new batch at most this often
 * (a lone request after a quiet spell still shows on the next frame).
 */
const LIST_REFRESH_MS = 250;

if (client) {
  // Before React mounts: the traffic snapshot is requested as soon as the event stream connects.
  const traffic = startTrafficSession(client, throttledScheduler(animationFrameScheduler(), LIST_REFRESH_MS));
  root.render(
    <StrictMode>
      <ClientProvider value={client}>
        <App traffic={traffic} />
      </ClientProvider>
    </StrictMode>,
  );
}
