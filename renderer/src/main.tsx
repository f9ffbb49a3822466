import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickClient } from './client/pick-client';
import { ClientProvider } from './views/client-context';
import { App } from './views/App';
import './styles.css';

const client = pickClient(window);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientProvider value={client}>
      <App />
    </ClientProvider>
  </StrictMode>,
);
