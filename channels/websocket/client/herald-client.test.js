// Tests for herald-client.js against a fake WebSocket and fake timers: node --test channels/websocket/client/
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const { HeraldClient } = require("./herald-client.js");

function harness(replies) {
  const sockets = [];
  const timers = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.readyState = 0;
      sockets.push(this);
    }
    send(text) {
      const message = JSON.parse(text);
      this.sent.push(message);
      const reply = replies(message, this);
      if (reply !== undefined) {
        queueMicrotask(() => this.onmessage({ data: JSON.stringify(reply) }));
      }
    }
    close() {
      this.readyState = 3;
      queueMicrotask(() => this.onclose({}));
    }
    open() {
      this.readyState = 1;
      this.onopen();
    }
    push(item) {
      this.onmessage({ data: JSON.stringify(item) });
    }
  }
  const storage = new Map();
  const received = [];
  const client = new HeraldClient({
    url: "ws://127.0.0.1:8787/ws",
    token: () => Promise.resolve("tok en"),
    WebSocket: FakeSocket,
    storage: { getItem: k => (storage.has(k) ? storage.get(k) : null), setItem: (k, v) => storage.set(k, v), removeItem: k => storage.delete(k) },
    onNotification: item => received.push(item),
    random: () => 1,
    setTimeout: (f, ms) => { timers.push({ f, ms }); return timers.length; },
    clearTimeout: () => {},
  });
  return { client, sockets, timers, storage, received };
}

const settle = () => new Promise(resolve => setImmediate(resolve));
const item = id => ({ id, type: "booking.created", title: "t", body: "b", data: {}, createdAt: "2026-11-23T00:00:00Z" });

test("connects with the token, syncs after open, and stores the cursor", async () => {
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [item("n1/booking.created")], cursor: "c1", more: false } : undefined));
  h.client.start();
  await settle();
  assert.strictEqual(h.sockets[0].url, "ws://127.0.0.1:8787/ws?token=tok%20en");
  h.sockets[0].open();
  await settle();
  assert.deepStrictEqual(h.sockets[0].sent[0], { action: "sync", since: null });
  assert.deepStrictEqual(h.received.map(i => i.id), ["n1/booking.created"]);
  assert.strictEqual(h.storage.get("herald.cursor"), "c1");
});

test("pages while more is true", async () => {
  const pages = { null: { items: [item("a/t")], cursor: "c1", more: true }, c1: { items: [item("b/t")], cursor: "c2", more: false } };
  const h = harness(m => (m.action === "sync" ? { action: "sync", ...pages[String(m.since)] } : undefined));
  h.client.start();
  await settle();
  h.sockets[0].open();
  await settle();
  assert.deepStrictEqual(h.received.map(i => i.id), ["a/t", "b/t"]);
  assert.strictEqual(h.storage.get("herald.cursor"), "c2");
});

test("drops repeats by id across live frames and syncs", async () => {
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [item("a/t")], cursor: "c1", more: false } : undefined));
  h.client.start();
  await settle();
  h.sockets[0].push(item("a/t"));
  h.sockets[0].open();
  await settle();
  h.sockets[0].push(item("a/t"));
  assert.strictEqual(h.received.length, 1);
});

test("reconnects with growing backoff and syncs from the stored cursor", async () => {
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [], cursor: "c9", more: false } : undefined));
  h.storage.set("herald.cursor", "c5");
  h.client.start();
  await settle();
  h.sockets[0].close();
  await settle();
  assert.strictEqual(h.timers.at(-1).ms, 500);
  h.timers.at(-1).f();
  await settle();
  h.sockets[1].close();
  await settle();
  assert.strictEqual(h.timers.at(-1).ms, 1000);
  h.timers.at(-1).f();
  await settle();
  h.sockets[2].open();
  await settle();
  assert.deepStrictEqual(h.sockets[2].sent[0], { action: "sync", since: "c5" });
  assert.strictEqual(h.storage.get("herald.cursor"), "c9");
});

test("read resolves with the reply and rejects with Herald's error", async () => {
  const h = harness(m => {
    if (m.action === "sync") return { action: "sync", items: [], cursor: null, more: false };
    if (m.action === "read" && m.id === "a/t") return { action: "read", id: "a/t", status: "READ" };
    return { error: "you have no inbox item with id '" + m.id + "'" };
  });
  h.client.start();
  await settle();
  h.sockets[0].open();
  await settle();
  assert.deepStrictEqual(await h.client.read("a/t"), { action: "read", id: "a/t", status: "READ" });
  await assert.rejects(h.client.read("x/t"), /no inbox item/);
  assert.strictEqual(h.storage.has("herald.cursor"), false);
});

test("stop closes and does not reconnect", async () => {
  const h = harness(() => undefined);
  h.client.start();
  await settle();
  const before = h.timers.length;
  h.client.stop();
  await settle();
  assert.strictEqual(h.timers.length, before);
});
