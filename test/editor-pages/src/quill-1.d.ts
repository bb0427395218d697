/** The little of Quill 1.3.7 the lab page uses (installed as `quill1`; the package ships no types). */
declare module 'quill1' {
  export default class Quill {
    constructor(container: HTMLElement, options?: Record<string, unknown>);
    getText(): string;
    setText(text: string, source?: string): void;
  }
}
