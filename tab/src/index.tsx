import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TabApp, viewFromSearch } from './TabApp.js';

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <TabApp view={viewFromSearch(window.location.search)} />
    </StrictMode>,
  );
}
