import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { applyDebugFlag } from './debug.ts';

applyDebugFlag();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(<App />);
