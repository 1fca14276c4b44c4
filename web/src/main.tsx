import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider } from './i18n';
import { CatalogueProvider, PreferencesProvider } from './state';
import './styles.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <I18nProvider>
      <PreferencesProvider>
        <CatalogueProvider>
          <App />
        </CatalogueProvider>
      </PreferencesProvider>
    </I18nProvider>
  </StrictMode>,
);
