/**
 * A minimal Chrome DevTools Protocol client over the target's WebSocket (`webSocketDebuggerUrl`), for the bench tools
 * that profile the service worker (profile-worker.ts, profile-tail.ts): Playwright opens no CDP session on a worker.
 * Needs Node's WebSocket (`NODE_OPTIONS=--experimental-websocket` on Node 20).
 */
export function cdpClient(url: string) {
  if (typeof WebSocket === 'undefined')
    throw new Error('no WebSocket in this Node: run with NODE_OPTIONS=--experimental-websocket');
  const ws = new WebSocket(url);
  let id = 0;
  const waiting = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>();
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: unknown };
    const w = m.id === undefined ? undefined : waiting.get(m.id);
    if (w && m.error) w.reject(new Error(JSON.stringify(m.error)));
    else if (w) w.resolve(m.result);
  });
  const open = new Promise<void>((r) => ws.addEventListener('open', () => r(), { once: true }));
  return {
    async send<T = unknown>(method: string, params: object = {}): Promise<T> {
      await open;
      const n = ++id;
      return new Promise<T>((resolve, reject) => {
        waiting.set(n, { resolve: resolve as (r: unknown) => void, reject });
        ws.send(JSON.stringify({ id: n, method, params }));
      });
    },
    close: () => ws.close(),
  };
}
