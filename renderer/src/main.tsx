import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickClient } from './client/pick-client';
import type { UiClient } from './client/ui-client';
import { ClientProvider } from './views/client-context';
import { App } from './views/App';
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
if (client) {
  root.render(
    <StrictMode>
      <ClientProvider value={client}>
        <App />
      </ClientProvider>
    </StrictMode>,
  );
}
