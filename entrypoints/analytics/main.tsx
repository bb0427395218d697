import { createRoot } from 'react-dom/client';
import { AnalyticsPage } from '@/components/analytics/AnalyticsPage';
import { uiDb } from '@/lib/ui/db';
import '@/components/ui.css';
import '@/components/analytics/analytics.css';

// Open the database now, while React renders its first (empty) frame: the first live queries then find it open
// instead of waiting for Dexie's open (issue 21). A failure shows again, and is handled, in those queries.
uiDb.open().catch(() => undefined);
createRoot(document.getElementById('root')!).render(<AnalyticsPage />);
