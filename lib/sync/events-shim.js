/**
 * A small `events` (Node's EventEmitter) for PouchDB in the extension's bundles: pouchdb-browser imports 'events',
 * which the browser build would otherwise resolve to an empty module (then `class X extends EE` throws at load and
 * the service worker never starts). wxt.config.ts aliases 'events' here. What PouchDB uses: on/addListener, once,
 * emit, removeListener/off, removeAllListeners, listeners, listenerCount (also static), setMaxListeners.
 */
function EventEmitter() {
  this._events = this._events || new Map();
}
EventEmitter.prototype._list = function (type) {
  if (!this._events) this._events = new Map();
  let list = this._events.get(type);
  if (!list) this._events.set(type, (list = []));
  return list;
};
EventEmitter.prototype.on = function (type, fn) {
  if (this._events && this._events.has('newListener')) this.emit('newListener', type, fn);
  this._list(type).push(fn);
  return this;
};
EventEmitter.prototype.addListener = EventEmitter.prototype.on;
EventEmitter.prototype.prependListener = function (type, fn) {
  this._list(type).unshift(fn);
  return this;
};
EventEmitter.prototype.once = function (type, fn) {
  const wrapped = (...args) => {
    this.removeListener(type, wrapped);
    return fn.apply(this, args);
  };
  wrapped.listener = fn;
  return this.on(type, wrapped);
};
EventEmitter.prototype.removeListener = function (type, fn) {
  const list = this._events && this._events.get(type);
  if (!list) return this;
  const i = list.findIndex((l) => l === fn || l.listener === fn);
  if (i >= 0) {
    list.splice(i, 1);
    if (this._events.has('removeListener')) this.emit('removeListener', type, fn);
  }
  if (!list.length) this._events.delete(type);
  return this;
};
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;
EventEmitter.prototype.removeAllListeners = function (type) {
  if (!this._events) return this;
  if (type === undefined) this._events.clear();
  else this._events.delete(type);
  return this;
};
EventEmitter.prototype.emit = function (type, ...args) {
  const list = this._events && this._events.get(type);
  if (!list || !list.length) {
    if (type === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
    return false;
  }
  for (const fn of [...list]) fn.apply(this, args);
  return true;
};
EventEmitter.prototype.listeners = function (type) {
  const list = this._events && this._events.get(type);
  return list ? list.map((l) => l.listener || l) : [];
};
EventEmitter.prototype.listenerCount = function (type) {
  const list = this._events && this._events.get(type);
  return list ? list.length : 0;
};
EventEmitter.prototype.setMaxListeners = function () {
  return this;
};
EventEmitter.listenerCount = (emitter, type) => emitter.listenerCount(type);
EventEmitter.EventEmitter = EventEmitter;
EventEmitter.default = EventEmitter;

export default EventEmitter;
export { EventEmitter };
