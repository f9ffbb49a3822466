import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Boot } from './boot';
import { ClientProvider } from './views/client-context';
import { App } from './views/App';
import { EmptyState } from './views/common';

/** Renders the interface into #root; main.tsx loads this chunk after boot has started. */
export function mount(boot: Boot): void {
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
}
