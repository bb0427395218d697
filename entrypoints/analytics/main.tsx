import { createRoot } from 'react-dom/client';
import { AnalyticsPage } from '@/components/analytics/AnalyticsPage';
import '@/components/ui.css';
import '@/components/analytics/analytics.css';

createRoot(document.getElementById('root')!).render(<AnalyticsPage />);
