// First: connects and requests the traffic snapshot before React's modules run.
import { boot } from './boot';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ClientProvider } from './views/client-context';
import { App } from './views/App';
import { EmptyState } from './views/common';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
if ('error' in boot) {
  root.render(
    <EmptyState title="Gatehouse cannot reach its engine">
      <p>{boot.error.message}</p>
    </EmptyState>,
  );
} else {
  root.render(
    <StrictMode>
      <ClientProvider value={boot.client}>
        <App traffic={boot.traffic} />
      </ClientProvider>
    </StrictMode>,
  );
}
