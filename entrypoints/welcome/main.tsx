import { createRoot } from 'react-dom/client';
import { Welcome } from '@/components/Welcome';
import '@/components/ui.css';

createRoot(document.getElementById('root')!).render(<Welcome />);
