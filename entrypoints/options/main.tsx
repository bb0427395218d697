import { createRoot } from 'react-dom/client';
import { SettingsPage } from '@/components/SettingsPage';
import '@/components/ui.css';

createRoot(document.getElementById('root')!).render(<SettingsPage />);
