/** The little of Draft.js 0.11 the lab page uses (the package ships no types; @types/draft-js is not installed). */
declare module 'draft-js' {
  import type { ComponentType, KeyboardEvent } from 'react';

  export class ContentState {
    getPlainText(delimiter?: string): string;
  }
  export class EditorState {
    static createEmpty(): EditorState;
    getCurrentContent(): ContentState;
  }
  export interface EditorProps {
    editorState: EditorState;
    onChange(state: EditorState): void;
    handleReturn?(e: KeyboardEvent, state: EditorState): 'handled' | 'not-handled';
    placeholder?: string;
  }
  export const Editor: ComponentType<EditorProps>;
}
