import { create } from 'zustand';

/** Popup UI state only (data comes from Dexie live queries). */
export type PopupSection = 'queue' | 'compliance' | 'phrases';

interface PopupState {
  section: PopupSection;
  setSection(s: PopupSection): void;
}

export const usePopupStore = create<PopupState>((set) => ({
  section: 'queue',
  setSection: (section) => set({ section }),
}));
