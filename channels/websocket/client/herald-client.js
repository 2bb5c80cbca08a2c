// herald-client.js: Herald's browser client for in-app notifications. No dependencies, no build step.
//
//   const herald = new HeraldClient({
//     url: "wss://ws.example.com/prod",            // or ws://127.0.0.1:8787/ws with herald local
//     token: () => fetchTokenFromYourBackend(),    // a string, or a function returning one (or a Promise of one)
//     onNotification: item => show(item),          // {id, type, title, body, data, createdAt}, each id once
//     onStatus: status => render(status),          // "connecting" | "open" | "closed"
//   });
//   herald.start();
//   herald.read(item.id);                          // mark read; resolves with Herald's reply
//
// It reconnects with exponential backoff and jitter, syncs the inbox after every (re)connect from the last cursor
// (kept in localStorage), drops repeats by id, and pings while idle so API Gateway keeps the connection open.
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
  const SEEN_LIMIT = 1000;

  class HeraldClient {
    constructor(options) {
      if (!options || !options.url || !options.token) {
        throw new Error("HeraldClient needs {url, token}");
      }
      this.url = options.url;
      this.token = typeof options.token === "function" ? options.token : () => options.token;
      this.onNotification = options.onNotification || (() => {});
      this.onStatus = options.onStatus || (() => {});
      this.onError = options.onError || (() => {});
      this.WebSocket = options.WebSocket || globalThis.WebSocket;
      this.storage = options.storage !== undefined ? options.storage : (globalThis.localStorage || null);
      this.initialDelayMs = options.initialDelayMs || 500;
      this.maxDelayMs = options.maxDelayMs || 30000;
      this.pingIntervalMs = options.pingIntervalMs || 5 * 60 * 1000;
      this.random = options.random || Math.random;
      this.setTimeout = options.setTimeout || ((f, ms) => setTimeout(f, ms));
      this.clearTimeout = options.clearTimeout || (id => clearTimeout(id));
      this.socket = null;
      this.attempt = 0;
      this.stopped = true;
      this.pending = [];      // replies come back in order: one entry per request sent
      this.seen = new Set();
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

    /** Marks an item read. Resolves with {action, id, status}, rejects with Herald's error text. */
    read(id) {
      return this._request({ action: "read", id });
    }

    /** Fetches unread items now (it happens by itself after every connect). */
    async sync() {
      for (let round = 0; round < 100; round++) {
        const reply = await this._request({ action: "sync", since: this._cursor() });
        reply.items.forEach(item => this._deliver(item));
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
      this.onStatus("connecting");
      let token;
      try {
        token = await this.token();
      } catch (e) {
        this.onError(e);
        this._reconnectLater();
        return;
      }
      const separator = this.url.includes("?") ? "&" : "?";
      const socket = new this.WebSocket(this.url + separator + "token=" + encodeURIComponent(token));
      this.socket = socket;
      socket.onopen = () => {
        this.attempt = 0;
        this.onStatus("open");
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
        this.pending.splice(0).forEach(p => p.reject(new Error("connection closed")));
        this.onStatus("closed");
        this._reconnectLater();
      };
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
          this._request({ action: "ping" }).catch(() => {});
          this._schedulePing();
        }
      }, this.pingIntervalMs);
    }

    _request(message) {
      return new Promise((resolve, reject) => {
        if (!this.socket || this.socket.readyState !== 1) {
          reject(new Error("not connected"));
          return;
        }
        this.pending.push({ resolve, reject });
        this.socket.send(JSON.stringify(message));
      });
    }

    _receive(text) {
      let message;
      try {
        message = JSON.parse(text);
      } catch (e) {
        this.onError(new Error("Herald sent a frame that is not JSON"));
        return;
      }
      if (message.error !== undefined || message.action !== undefined) {
        const request = this.pending.shift();
        if (request) {
          message.error !== undefined ? request.reject(new Error(message.error)) : request.resolve(message);
        }
        return;
      }
      this._deliver(message);
    }

    _deliver(item) {
      if (!item || !item.id || this.seen.has(item.id)) {
        return;
      }
      this.seen.add(item.id);
      if (this.seen.size > SEEN_LIMIT) {
        this.seen.delete(this.seen.values().next().value);
      }
      this.onNotification(item);
    }

    _cursor() {
      const cursor = this.storage ? this.storage.getItem(CURSOR_KEY) : this.memoryCursor;
      return cursor === undefined || cursor === "" ? null : cursor;
    }

    _saveCursor(cursor) {
      if (this.storage) {
        cursor === null ? this.storage.removeItem(CURSOR_KEY) : this.storage.setItem(CURSOR_KEY, cursor);
      } else {
        this.memoryCursor = cursor;
      }
    }
  }

  return HeraldClient;
});
