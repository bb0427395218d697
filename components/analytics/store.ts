import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { RangeDays } from '@/lib/analytics';
import { ANALYTICS_STORE_KEY, ANALYTICS_STORE_VERSION } from './first-raw';

/** Analytics page UI state and the user's staffing assumptions (kept in this page's localStorage). */
export interface AnalyticsState {
  range: RangeDays;
  /** `platform|account`, or '' for every account. */
  account: string;
  /** This computer's data only, or merged with imported exports. */
  view: 'local' | 'team';
  /** The user's handling time per inquiry (seconds), overriding the estimate; null = use the estimate. */
  ahtOverride: number | null;
  /** Share of inquiries to answer within the target wait. */
  targetLevel: number;
  /** The target wait in seconds; null = the platform's deadline (3 minutes; 30 s on JD). */
  targetSec: number | null;
  /** Chats one agent holds at once (1–20): the staffing plan's chat places per agent. */
  chatsPerAgent: number;
  /** The name put into exports. */
  exportLabel: string;
  set(patch: Partial<Omit<AnalyticsState, 'set'>>): void;
}

export const ANALYTICS_DEFAULTS = {
  range: 30 as RangeDays,
  account: '',
  view: 'local' as const,
  ahtOverride: null,
  targetLevel: 0.8,
  targetSec: null,
  chatsPerAgent: 1,
  exportLabel: '',
};

export const useAnalyticsStore = create<AnalyticsState>()(
  persist(
    (set) => ({
      ...ANALYTICS_DEFAULTS,
      set: (patch) => set(patch),
    }),
    {
      name: ANALYTICS_STORE_KEY,
      version: ANALYTICS_STORE_VERSION,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ set: _set, ...rest }) => rest,
    },
  ),
);
