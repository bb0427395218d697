// pouchdb-browser ships no types; team sync uses its http adapter through the narrow `RemoteDb` of remote.ts.
declare module 'pouchdb-browser' {
  const PouchDB: new (name: string, opts?: Record<string, unknown>) => unknown;
  export default PouchDB;
}
