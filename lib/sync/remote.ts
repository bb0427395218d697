/**
 * The shop's CouchDB database through PouchDB's http adapter (pouchdb-browser; fetch only, so it runs in the service
 * worker). Every request is checked to go to the configured origin and nowhere else. Used by the background (push)
 * and the analytics page (the owner's view, from the changes feed).
 */
import PouchDB from 'pouchdb-browser';
import type { SyncConfig } from './config';
import { originFetch } from './http';

/** What team sync uses of a CouchDB database (PouchDB's API); tests give a fake. */
export interface RemoteDb {
  info(): Promise<{ update_seq?: unknown }>;
  allDocs(opts: {
    startkey?: string;
    endkey?: string;
    keys?: string[];
    include_docs?: boolean;
    /** The answer names the database's sequence it reflects (CouchDB ≥ 2.2, PouchDB). */
    update_seq?: boolean;
  }): Promise<{
    rows: { id: string; key: string; value?: { rev: string; deleted?: boolean }; doc?: unknown }[];
    update_seq?: unknown;
  }>;
  bulkDocs(
    docs: object[],
  ): Promise<
    ({ ok: true; id: string; rev: string } | { error: unknown; id?: string; status?: number; message?: string })[]
  >;
  changes(opts: {
    since: unknown;
    live: boolean;
    include_docs: boolean;
    retry?: boolean;
    heartbeat?: number;
    timeout?: false | number;
  }): ChangesFeed;
}

export interface ChangesFeed {
  on(event: 'change', fn: (c: { id: string; deleted?: boolean; doc?: unknown; seq: unknown }) => void): ChangesFeed;
  on(event: 'error', fn: (err: unknown) => void): ChangesFeed;
  cancel(): void;
}

/** Opens the configured database (no request yet; `skip_setup`: never creates it). */
export function openRemote(cfg: Pick<SyncConfig, 'url' | 'user' | 'password'>): RemoteDb {
  const db = new PouchDB(cfg.url, {
    skip_setup: true,
    auth: { username: cfg.user, password: cfg.password },
    fetch: originFetch(cfg.url),
  }) as unknown as RemoteDb;
  // PouchDB's http `info()` resolves with the server's error body (a wrong password, no such database) instead of
  // failing: make it fail, so the check before turning sync on and the owner's view see the refusal.
  const info = db.info.bind(db);
  db.info = async () => {
    const r = (await info()) as { update_seq?: unknown; error?: unknown; reason?: unknown };
    if (typeof r.error === 'string') throw { name: r.error, message: String(r.reason ?? r.error) };
    return r;
  };
  return db;
}
