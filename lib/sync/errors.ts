/** Team sync's request failures, in codes the pages turn into words (pure: no PouchDB here). */
export type SyncErrorCode = 'auth' | 'notFound' | 'network' | 'server' | 'permission';

/** A request's failure in words: a wrong password and an unreachable server are told apart. */
export function syncErrorOf(err: unknown): { code: Exclude<SyncErrorCode, 'permission'>; detail: string } {
  const e = (err ?? {}) as { status?: number; name?: string; message?: string; reason?: string };
  const detail = String(e.reason ?? e.message ?? e.name ?? err).slice(0, 200);
  if (e.status === 401 || e.status === 403 || e.name === 'unauthorized' || e.name === 'forbidden')
    return { code: 'auth', detail };
  if (e.status === 404 || e.name === 'not_found') return { code: 'notFound', detail };
  if (typeof e.status === 'number' && e.status >= 400) return { code: 'server', detail };
  return { code: 'network', detail };
}
