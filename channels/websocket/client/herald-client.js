// herald-client.js: Herald's browser client for in-app notifications. No dependencies, no build step.
//
//   const herald = new HeraldClient({
//     url: "wss://ws.example.com/prod",            // or ws://127.0.0.1:8787/ws with herald local
//     token: () => fetchTokenFromYourBackend(),    // a string, or a function returning one (or a Promise of one)
//     onNotification: (item, source) => show(item), // {id, type, title, body, data, createdAt, state}, each id once;
//                                                  // source: "live" (pushed now) or "sync" (caught up after a connect)
//     onCounts: counts => badge(counts.unread),    // {unread, unseen}, whenever Herald tells them
//     onChanged: change => update(change),         // {event:"changed", ids|all, state, counts}: another tab (or this one) acted
//     onPreferences: prefs => render(prefs),       // the user's preferences changed (socket or HTTP)
//     onStatus: status => render(status),          // "connecting" | "open" | "closed"
//   });
//   herald.start();
//   const page = await herald.list("unread");      // {items, cursor, more, counts}
//   await herald.read([item.id]);                  // resolves with Herald's reply, rejects with its error
//
// It reconnects with exponential backoff and jitter, asking for a fresh token every time, syncs the inbox after every
// (re)connect from the last cursor (kept in localStorage per user), drops repeats by id, matches replies to requests
// by "ref", and pings while idle so API Gateway keeps the connection open.
// The wire contract is in channels/websocket/README.md.
(function (root, factory) {
  const HeraldClient = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = { HeraldClient };
  } else {
    root.HeraldClient = HeraldClient;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const CURSOR_KEY = "herald.cursor";
  const DELIVERED_LIMIT = 1000;
  const MAX_PAGES = 100;

  /** The token's "sub" when it is a JWT, so each user keeps their own sync cursor; null otherwise. */
  function subjectOf(token) {
    const parts = typeof token === "string" ? token.split(".") : [];
    if (parts.length !== 3 || typeof atob !== "function" || typeof TextDecoder !== "function") {
      return null;
    }
    try {
      const payload = parts[1].replace(/-/g, "+").replace(/_/g, "/");
      const binary = atob(payload + "===".slice((payload.length + 3) % 4));
      const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, c => c.charCodeAt(0))));
      return typeof json.sub === "string" && json.sub ? json.sub : null;
    } catch (e) {
      return null;
    }
  }

  /** A single id keeps the one-id form every Herald version understands; a list uses "ids". */
  function target(ids) {
    return Array.isArray(ids) ? { ids } : { id: ids };
  }

  class HeraldClient {
    constructor(options) {
      if (!options || !options.url || !options.token) {
        throw new Error("HeraldClient needs {url, token}");
      }
      this.url = options.url;
      this.token = typeof options.token === "function" ? options.token : () => options.token;
      this.onNotification = options.onNotification || (() => {});
      this.onCounts = options.onCounts || (() => {});
      this.onChanged = options.onChanged || (() => {});
      this.onPreferences = options.onPreferences || (() => {});
      this.onStatus = options.onStatus || (() => {});
      this.onError = options.onError || (() => {});
      this.WebSocket = options.WebSocket || globalThis.WebSocket;
      this.storage = options.storage !== undefined ? options.storage : (globalThis.localStorage || null);
      this.cursorKey = options.cursorKey || null;
      this.initialDelayMs = options.initialDelayMs || 500;
      this.maxDelayMs = options.maxDelayMs || 30000;
      this.pingIntervalMs = options.pingIntervalMs || 5 * 60 * 1000;
      this.requestTimeoutMs = options.requestTimeoutMs || 10000;
      this.random = options.random || Math.random;
      this.setTimeout = options.setTimeout || ((f, ms) => setTimeout(f, ms));
      this.clearTimeout = options.clearTimeout || (id => clearTimeout(id));
      this.socket = null;
      this.status = "closed";
      this.user = null;
      this.lastCounts = null;  // the latest {unread, unseen} Herald told
      this.attempt = 0;
      this.stopped = true;
      this.pending = [];      // requests waiting for their reply, oldest first: {ref, resolve, reject, timer}
      this.nextRef = 0;
      this.delivered = new Set();
      this.timer = null;
      this.pingTimer = null;
    }

    start() {
      this.stopped = false;
      this._connect();
    }

    stop() {
      this.stopped = true;
      this.clearTimeout(this.timer);
      this.clearTimeout(this.pingTimer);
      if (this.socket) {
        this.socket.close(1000, "stopped");
      }
    }

    /**
     * Sends one message and resolves with its reply, matched by "ref" (one is generated when the message has none).
     * Rejects with Herald's error text (and .status when the reply has one), when the connection closes, or after
     * requestTimeoutMs (10 s) without a reply.
     */
    request(message) {
      return new Promise((resolve, reject) => {
        if (!this.socket || this.socket.readyState !== 1) {
          reject(new Error("not connected"));
          return;
        }
        const ref = message.ref !== undefined ? message.ref : "r" + (++this.nextRef).toString(36);
        const entry = { ref, resolve, reject, timer: null };
        entry.timer = this.setTimeout(() => {
          if (this._take(entry)) {
            reject(new Error("Herald did not answer '" + message.action + "' within " + this.requestTimeoutMs / 1000 + " s"));
          }
        }, this.requestTimeoutMs);
        this.pending.push(entry);
        this.socket.send(JSON.stringify(Object.assign({}, message, { ref })));
      });
    }

    /** One page of the inbox, newest first: {items, cursor, more, counts}. filter: "all" | "unread" | "archived". */
    list(filter, cursor, limit) {
      return this.request({ action: "list", filter: filter || "all", cursor: cursor === undefined ? null : cursor, limit: limit || 20 });
    }

    /** Resolves with {unread, unseen}. */
    counts() {
      return this.request({ action: "counts" }).then(reply => reply.counts);
    }

    /** Each takes an id or a list of ids (1 to 100) and resolves with {action, ids, state, counts, unknown}. */
    seen(ids) {
      return this.request(Object.assign({ action: "seen" }, target(ids)));
    }

    read(ids) {
      return this.request(Object.assign({ action: "read" }, target(ids)));
    }

    unread(ids) {
      return this.request(Object.assign({ action: "unread" }, target(ids)));
    }

    archive(ids) {
      return this.request(Object.assign({ action: "archive" }, target(ids)));
    }

    unarchive(ids) {
      return this.request(Object.assign({ action: "unarchive" }, target(ids)));
    }

    /** Marks every unread item read, asking again while Herald says there is more. Resolves with {updated, counts}. */
    async readAll() {
      let updated = 0;
      for (let round = 0; round < MAX_PAGES; round++) {
        const reply = await this.request({ action: "read-all" });
        updated += reply.updated || 0;
        if (!reply.more) {
          return { updated, counts: reply.counts };
        }
      }
      return { updated, counts: this.lastCounts };
    }

    /** Resolves with the user's preferences (PREFS in the README). */
    preferences() {
      return this.request({ action: "preferences.get" }).then(reply => reply.preferences);
    }

    /** Applies a partial change and resolves with the preferences after it; rejects with Herald's reason (400, 409). */
    setPreferences(change) {
      return this.request({ action: "preferences.set", preferences: change }).then(reply => reply.preferences);
    }

    /** Fetches unread items now (it happens by itself after every connect). */
    async sync() {
      for (let round = 0; round < MAX_PAGES; round++) {
        const reply = await this.request({ action: "sync", since: this._cursor() });
        reply.items.forEach(item => this._deliver(item, "sync"));
        this._saveCursor(reply.cursor);
        if (!reply.more) {
          return;
        }
      }
    }

    async _connect() {
      if (this.stopped) {
        return;
      }
      this._status("connecting");
      let token;
      try {
        token = await this.token();
      } catch (e) {
        this.onError(e);
        this._reconnectLater();
        return;
      }
      if (this.stopped) {
        return;
      }
      const user = subjectOf(token);
      if (user !== this.user) {
        // another user in the same page: what the last one was shown says nothing about this one
        this.user = user;
        this.delivered.clear();
      }
      const separator = this.url.includes("?") ? "&" : "?";
      const socket = new this.WebSocket(this.url + separator + "token=" + encodeURIComponent(token));
      this.socket = socket;
      socket.onopen = () => {
        this.attempt = 0;
        this._status("open");
        this._schedulePing();
        this.sync().catch(e => this.onError(e));
      };
      socket.onmessage = event => this._receive(event.data);
      socket.onerror = () => {};  // a close always follows, and that is where reconnecting happens
      socket.onclose = () => {
        if (this.socket !== socket) {
          return;
        }
        this.socket = null;
        this.clearTimeout(this.pingTimer);
        this.pending.splice(0).forEach(p => {
          this.clearTimeout(p.timer);
          p.reject(new Error("connection closed"));
        });
        this._status("closed");
        this._reconnectLater();
      };
    }

    _status(status) {
      this.status = status;
      this.onStatus(status);
    }

    _reconnectLater() {
      if (this.stopped) {
        return;
      }
      const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * Math.pow(2, this.attempt));
      const delay = Math.round(ceiling / 2 + this.random() * ceiling / 2);
      this.attempt++;
      this.timer = this.setTimeout(() => this._connect(), delay);
    }

    _schedulePing() {
      this.clearTimeout(this.pingTimer);
      this.pingTimer = this.setTimeout(() => {
        if (this.socket) {
          this.request({ action: "ping" }).catch(() => {});
          this._schedulePing();
        }
      }, this.pingIntervalMs);
    }

    _take(entry) {
      const index = this.pending.indexOf(entry);
      if (index < 0) {
        return false;
      }
      this.pending.splice(index, 1);
      this.clearTimeout(entry.timer);
      return true;
    }

    _receive(text) {
      let message;
      try {
        message = JSON.parse(text);
      } catch (e) {
        this.onError(new Error("Herald sent a frame that is not JSON"));
        return;
      }
      if (message === null || typeof message !== "object") {
        return;
      }
      if (message.error !== undefined || message.action !== undefined) {
        this._reply(message);
      } else if (message.event !== undefined) {
        this._event(message);
      } else {
        this._deliver(message, "live");
      }
    }

    _reply(message) {
      // A Herald that predates "ref" answers in order without it: the oldest request is the one answered.
      const entry = message.ref !== undefined ? this.pending.find(p => p.ref === message.ref) : this.pending[0];
      if (message.counts) {
        this._counts(message.counts);
      }
      if (!entry || !this._take(entry)) {
        return;  // answered after its timeout
      }
      if (message.error !== undefined && message.status === 401 && this.socket) {
        // the connection is no longer registered (it expired): a new one, with a fresh token, is the way back
        this.socket.close(4001, "connection not registered");
      }
      if (message.error !== undefined) {
        const error = new Error(message.error);
        error.status = message.status;
        error.reply = message;
        entry.reject(error);
      } else {
        entry.resolve(message);
      }
    }

    _event(message) {
      if (message.event === "changed") {
        this.onChanged(message);
      } else if (message.event === "preferences") {
        this.onPreferences(message.preferences);
      }
      if (message.counts) {
        this._counts(message.counts);
      }
    }

    _counts(counts) {
      this.lastCounts = counts;
      this.onCounts(counts);
    }

    _deliver(item, source) {
      if (!item || !item.id || this.delivered.has(item.id)) {
        return;
      }
      this.delivered.add(item.id);
      if (this.delivered.size > DELIVERED_LIMIT) {
        this.delivered.delete(this.delivered.values().next().value);
      }
      this.onNotification(item, source);
    }

    _key() {
      return this.cursorKey || (this.user ? CURSOR_KEY + "." + this.user : CURSOR_KEY);
    }

    _cursor() {
      const cursor = this.storage ? this.storage.getItem(this._key()) : this.memoryCursor;
      return cursor === undefined || cursor === "" ? null : cursor;
    }

    _saveCursor(cursor) {
      if (this.storage) {
        cursor === null ? this.storage.removeItem(this._key()) : this.storage.setItem(this._key(), cursor);
      } else {
        this.memoryCursor = cursor;
      }
    }
  }

  return HeraldClient;
});
