import { createRoot } from 'react-dom/client';
import { Popup } from '@/components/popup/Popup';
import '@/components/ui.css';
import '@/components/popup/popup.css';

createRoot(document.getElementById('root')!).render(<Popup />);
