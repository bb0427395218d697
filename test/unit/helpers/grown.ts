import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fixture `file` as the document, its thread (`list`) grown to `n` items: copies of its items, ids made unique. */
export function grown(file: string, list: string, n: number): void {
  document.documentElement.innerHTML = readFileSync(join(process.cwd(), file), 'utf8');
  const box = document.querySelector(list)!;
  const items = [...box.children];
  for (let i = 0; box.children.length < n; i++) {
    const copy = items[i % items.length]!.cloneNode(true) as Element;
    for (const e of [copy, ...copy.querySelectorAll('[id]')]) if (e.id) e.id = `${e.id}x${i}`;
    box.append(copy);
  }
}
