import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ChannelTabConfig } from './ChannelTabConfig.js';

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <ChannelTabConfig />
    </StrictMode>,
  );
}
