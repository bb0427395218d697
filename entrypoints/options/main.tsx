import { createRoot } from 'react-dom/client';
import { firstLanguage } from '@/components/i18n';
import { OptionsApp } from '@/components/OptionsApp';
import '@/components/ui.css';

// The first render in the stored language (read first, at most 250 ms), never a frame in the browser's.
const root = createRoot(document.getElementById('root')!);
void firstLanguage().then((language) => root.render(<OptionsApp language={language} />));
