import '@/ui/theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConfig } from '@/lib/config';
import { describeError } from '@/lib/errors';
import { App } from './App';

const root = createRoot(document.getElementById('root')!);
loadConfig().then(
  () => root.render(<StrictMode><App /></StrictMode>),
  (error) => root.render(
    <div role="alert" style={{ padding: 24, fontFamily: 'system-ui' }}>
      <h1>The helpdesk cannot start</h1>
      <p>{describeError(error)}</p>
    </div>,
  ),
);
